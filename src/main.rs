//! The `bindery` command: all the work is in the library; this only maps the outcome to an exit code.

fn main() -> std::process::ExitCode {
    bindery::cli::main()
}
