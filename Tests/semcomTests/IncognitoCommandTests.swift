import ArgumentParser
import Foundation
import Testing

@testable import semcom

@Suite struct IncognitoCommandTests {
    @Test func applyIsTheDefaultSubcommand() throws {
        let command = try SemCom.parseAsRoot(["incognito", "--input", "a.jsonl", "--out", "b.jsonl", "--privacy", "medium"])
        let apply = try #require(command as? SemCom.IncognitoCommand.Apply)
        #expect(apply.privacy == "medium" && apply.attributes == "height,wingspan")
        let eval = try SemCom.parseAsRoot(["incognito", "eval", "--users", "120", "--privacy", "1,3,5"])
        #expect((eval as? SemCom.IncognitoCommand.Evaluate)?.users == 120)
    }

    @Test(arguments: [
        ["incognito", "--input", "a.jsonl", "--out", "b.jsonl", "--privacy", "extreme"],
        ["incognito", "--input", "a.jsonl", "--out", "b.jsonl", "--privacy", "0"],
        ["incognito", "--input", "a.jsonl", "--out", "b.jsonl", "--privacy", "-2"],
        ["incognito", "--input", "a.jsonl", "--out", "b.jsonl", "--attributes", "height,weight"],
        ["incognito", "--input", "a.jsonl", "--out", "b.jsonl", "--bounds", "height=1.9:1.5"],
        ["incognito", "--input", "a.jsonl", "--out", "b.jsonl", "--variant", "gaussian"],
        ["incognito", "--input", "a.jsonl", "--out", "b.jsonl", "--session-key", "abc"],
        ["incognito", "--input", "a.jsonl", "--out", "./a.jsonl"],
        ["incognito", "eval", "--users", "3"],
        ["incognito", "eval", "--privacy", "1,nope"],
        ["incognito", "eval", "--attributes", "girth"],
    ])
    func rejectsBadArguments(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try SemCom.parseAsRoot(arguments) }
    }
}
