// header line
use std::io;
// ANCHOR: body
fn main() {
    println!("hello");
}
// ANCHOR_END: body
