#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailx::fuzzing::maildir_file_name(data));
