# Shared by scripts/demo and scripts/bench: a private Dovecot in a temp dir, loopback
# only, ephemeral ports, self-signed certificate. Never touches /etc/dovecot.
# Usage: . scripts/dovecot-lib.sh; dovecot_start DIR; ...; dovecot_stop DIR

# set_aside PATH: moves PATH (if any) into $work/trash, to be deleted when the script ends.
# Benchmarks never delete a run's files before the next run: on ext4 without a journal
# (this VM's root file system, 2026-11-29) every new inode is checked against inodes
# deleted in the last 60-360 s (fs/ext4/ialloc.c recently_deleted), and 8,000 deletions
# just before a run made that run's file creation 3-5x slower (perf: find_inode_bit),
# whichever tool ran next.
set_aside() {
  [ -e "$1" ] || return 0
  mkdir -p "$work/trash"
  mv "$1" "$work/trash/$(basename "$1").$(date +%s%N)"
}

# free_ports N: N distinct free ports on one line. The probes stay bound until all are
# taken: probed one at a time, the kernel can hand out one port twice.
free_ports() {
  python3 -c 'import socket, sys
probes = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in probes: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in probes))' "$1"
}

ensure_packages() {
  local need=()
  command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd dovecot-pop3d)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  pkg-config --exists openssl 2>/dev/null || need+=(libssl-dev pkg-config)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  command -v groff >/dev/null 2>&1 || need+=(groff-base)
  # The keyring tests: a Secret Service (gnome-keyring) on a private session bus.
  command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus-daemon)
  command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
  # Courier (scripts/courier-up) runs from unpacked Debian packages: their libraries.
  local lib
  for lib in libltdl7 libpcre3 libidn12 libgdbm6 libgnutls30 libidn2-0; do
    dpkg -s "$lib" >/dev/null 2>&1 || need+=("$lib")
  done
  # The Courier packages themselves are fetched with apt-get download: it needs the lists.
  local courier_cache=${COURIER_PKG_DIR:-/var/cache/mailx-courier}
  if [ ${#need[@]} -gt 0 ] || { [ ! -s "$courier_cache/root/.complete" ] && [ "$(id -u)" = 0 ] && ! ls /var/lib/apt/lists/*Packages* >/dev/null 2>&1; }; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq
      [ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
      echo "missing packages: ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
      return 1
    fi
  fi
}

# dovecot_start DIR  -> exports IMAP_PORT IMAPS_PORT POP3_PORT POP3S_PORT
# (DOVECOT_EXTRA_CONF, when set, is appended to the config: e.g. an imap_capability.)
dovecot_start() {
  local d=$1
  mkdir -p "$d"/{run,log,state,mail}
  chmod 755 "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
  chmod 600 "$d/key.pem"
  local mail_user=nobody mail_group=nogroup extra=""
  if [ "$(id -u)" != 0 ]; then
    mail_user=$(id -un); mail_group=$(id -gn)
    extra="default_internal_user = $mail_user
default_internal_group = $mail_group
default_login_user = $mail_user"
  fi
  printf 'demo:{PLAIN}demo-password::::::\nbench:{PLAIN}bench::::::\n' > "$d/users"
  for i in 1 2 3 4 5; do printf 'bench%s:{PLAIN}bench::::::\n' "$i" >> "$d/users"; done
  read -r IMAP_PORT IMAPS_PORT POP3_PORT POP3S_PORT < <(free_ports 4)
  export IMAP_PORT IMAPS_PORT POP3_PORT POP3S_PORT MAIL_USER=$mail_user MAIL_GROUP=$mail_group
  cat > "$d/dovecot.conf" <<CONF
instance_name = mailx-$$
base_dir = $d/run
state_dir = $d/state
log_path = $d/log/dovecot.log
info_log_path = $d/log/dovecot-info.log
protocols = imap pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
ssl_min_protocol = TLSv1.2
$extra
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $d/users
  default_fields = uid=$mail_user gid=$mail_group home=$d/mail/%u
}
mail_location = maildir:~/Maildir
mail_fsync = never
first_valid_uid = 1
${DOVECOT_EXTRA_CONF:-}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $POP3_PORT
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $POP3S_PORT
    ssl = yes
  }
}
CONF
  /usr/sbin/dovecot -c "$d/dovecot.conf" </dev/null >/dev/null 2>"$d/log/start.err" || {
    cat "$d/log/start.err" >&2; return 1; }
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$IMAPS_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "dovecot did not start; see $d/log" >&2
  return 1
}

dovecot_stop() {
  local pid
  pid=$(cat "$1/run/master.pid" 2>/dev/null) && kill "$pid" 2>/dev/null || true
}

# seed_messages DIR USER FOLDER_FS_NAME COUNT [SIZE_MODE]  (Python writes Maildir files)
seed_messages() {
  python3 - "$@" <<'PY'
import os, random, sys
d, user, folder, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
mode = sys.argv[5] if len(sys.argv) > 5 else "small"
base = os.path.join(d, "mail", user, "Maildir", folder) if folder else os.path.join(d, "mail", user, "Maildir")
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(base, sub), exist_ok=True)
if folder:
    open(os.path.join(base, "maildirfolder"), "a").close()
rng = random.Random(42 + count + len(folder))
words = "mail sync fetch folder server local message quota account inbox archive draft".split()
for i in range(count):
    if mode == "realistic":
        r = rng.random()
        size = rng.randint(2_000, 20_000) if r < 0.87 else rng.randint(50_000, 500_000) if r < 0.97 else rng.randint(500_000, 5_000_000) if r < 0.999 else 5_000_000
    else:
        size = rng.randint(300, 3_000)
    subject = " ".join(rng.choice(words) for _ in range(4))
    head = (f"From: Sender {i} <sender{i}@example.org>\nTo: {user}@example.org\n"
            f"Subject: {subject} #{i}\nMessage-ID: <{i}.{folder or 'INBOX'}@example.org>\n"
            f"Date: Mon, 2 Mar 2026 10:{i % 60:02d}:00 +0100\n\n")
    body = []
    n = len(head)
    while n < size:
        line = " ".join(rng.choice(words) for _ in range(12)) + "\n"
        body.append(line); n += len(line)
    data = (head + "".join(body)).encode()
    crlf = len(data) + data.count(b"\n")
    flags = "S" if rng.random() < 0.5 else ""
    name = f"{1700000000 + i}.M{i}P1.seed,S={len(data)},W={crlf}:2,{flags}"
    with open(os.path.join(base, "cur", name), "wb") as f:
        f.write(data)
PY
  chown -R "$MAIL_USER:$MAIL_GROUP" "$1/mail" 2>/dev/null || true
}
