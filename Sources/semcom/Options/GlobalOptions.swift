import ArgumentParser
import Foundation
import TensorCore

/// Options every `semcom` command takes (ARCHITECTURE.md, "The CLI contract").
struct GlobalOptions: ParsableArguments {
    @Option(help: "Seed of every random draw; same seed and threads give the same result.")
    var seed: UInt64 = 0

    @Option(help: "Threads for BLAS and parallel kernels (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Suppress progress output on stderr.")
    var quiet = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// Applies the thread count to BLAS; call first in `run()`.
    func apply() {
        BLAS.setThreadCount(threads)
    }

    /// Whether progress lines should be printed (not quiet and stderr is a terminal).
    var showsProgress: Bool { !quiet && isatty(STDERR_FILENO) != 0 }

    /// Prints a progress line on stderr when ``showsProgress``.
    func progress(_ message: @autoclosure () -> String) {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data((message() + "\n").utf8))
    }
}
