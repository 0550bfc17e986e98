use std::process::ExitCode;

// A build allocates many small strings and JSON values on every thread at once; mimalloc
// spends a fraction of the time glibc's malloc does on them. It is built without asking the
// kernel for transparent huge pages (Cargo.toml, `no_thp`): with them, a 10,000-record build's
// peak RSS was 25 MB higher (a huge page is resident whole as soon as one byte of it is used)
// and it was no faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    gongkai::cmd::run()
}
