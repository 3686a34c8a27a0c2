import ArgumentParser
import Foundation
import SemanticCodec

/// File plumbing of the frame commands (`encode`, `transmit`, `decode`): inputs are only read,
/// outputs are written to a temporary file beside the target and moved into place on success, so
/// a failed step never leaves a half-written file or touches its input.
enum FrameFiles {
    /// Throws unless `output` is a different file from every input.
    static func checkDistinct(output: String, inputs: [String], option: String) throws {
        let target = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath().path
        for input in inputs
        where URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path == target {
            throw ValidationError(
                "\(option) \(output) is also an input file; inputs are never modified, choose another path")
        }
    }

    /// Opens `path` for reading frames, with errors naming the path.
    static func reader(
        _ path: String, expectedKnowledgeBase: KBFingerprint? = nil
    ) throws -> (SemanticFrameReader<FileHandleByteSource>, FileHandle) {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw SemanticCodecError(
                code: .ioFailure, message: "cannot open the frame file for reading", file: path, cause: error)
        }
        return (
            SemanticFrameReader(fileHandle: handle, file: path, expectedKnowledgeBase: expectedKnowledgeBase), handle
        )
    }

    /// Runs `body` with a handle on a fresh temporary file beside `path`, then moves it to `path`
    /// (replacing it); on error the temporary file is removed and `path` is untouched.
    static func writeAtomically<T>(_ path: String, _ body: (FileHandle) throws -> T) throws -> T {
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw SemanticCodecError(
                code: .ioFailure, message: "cannot create the output file (does the directory exist?)", file: path)
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            let result: T
            do {
                result = try body(handle)
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
            try FileManager.default.moveItem(at: temporary, to: target)
            return result
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Writes bytes to `path` atomically.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try writeAtomically(path) { handle in try handle.write(contentsOf: bytes) }
    }

    /// Reads a whole (small) file, with an error naming it.
    static func read(_ path: String, what: String) throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ValidationError("cannot read the \(what) \(path): \(error.localizedDescription)")
        }
    }

    /// Prints a line on stderr.
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
