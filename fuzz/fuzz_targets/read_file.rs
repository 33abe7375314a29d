//! Any file, through detection, every reader and preparation. The first
//! byte picks the file name's extension (a hint to detection).
#![no_main]
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["x.txt", "x.jsonl", "x.html", "x.warc", "x.xml", "x.gz"];

fuzz_target!(|data: &[u8]| {
    if let Some((&pick, bytes)) = data.split_first() {
        storyline::fuzz::read_file(NAMES[pick as usize % NAMES.len()], bytes);
    }
});
