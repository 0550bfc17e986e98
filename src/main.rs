use std::process::ExitCode;

// A build allocates many small strings and JSON values on every thread at once; mimalloc
// spends a fraction of the time glibc's malloc does on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    gongkai::cmd::run()
}
