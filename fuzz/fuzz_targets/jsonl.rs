//! JSON Lines or a JSON array in memory, as a request body.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    storyline::fuzz::read_jsonl(data);
});
