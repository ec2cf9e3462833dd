//! An in-memory server for the engines' unit tests.
