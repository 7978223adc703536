//! Full-text search for gongkai (work in progress).
