/// Markdown shaped to make a block parser go quadratic: each one repeats a few bytes that open a
/// container, or that a naive scan would read again for every container already open. The
/// scanner must stay linear on every one of them (issue #10); the fuzz seeds in
/// `Tests/Fuzz/corpus/chapter/` are small copies.
enum PathologicalMarkdown: CaseIterable {
    /// `- - - … - x` on one line: a list item per marker, each once rescanning for a thematic break.
    case listMarkersOnOneLine
    /// `* * * … * x`, the same with the marker that is also emphasis.
    case asterisksOnOneLine
    /// A staircase of nested items, each line indented past the one before.
    case indentedList
    /// `> > > … x` on one line, a block quote per marker.
    case blockQuotesOnOneLine
    /// Lines of `> > > … x` sixty-four quotes deep.
    case deepBlockQuoteLines
    /// One line of `*` with no break in it, ending in text.
    case asteriskLine
    /// `*a _b **c __d` over and over: emphasis-like, which block parsing must leave as text.
    case emphasisLike
    /// A run of backticks with a backtick in its info string, so no fence opens.
    case backtickRun
    /// Link reference definitions, one a line, then a setext underline that makes them resolve.
    case linkReferenceDefinitions

    var label: String {
        switch self {
        case .listMarkersOnOneLine: "`- - - … x` on one line"
        case .asterisksOnOneLine: "`* * * … x` on one line"
        case .indentedList: "indented list, a staircase"
        case .blockQuotesOnOneLine: "`> > > … x` on one line"
        case .deepBlockQuoteLines: "lines 64 block quotes deep"
        case .asteriskLine: "one line of `*`"
        case .emphasisLike: "emphasis-like `*a _b **c __d`"
        case .backtickRun: "a run of backticks, no fence"
        case .linkReferenceDefinitions: "link reference definitions"
        }
    }

    func text(ofAtLeast bytes: Int) -> String {
        var text = ""
        text.reserveCapacity(bytes + 64)
        switch self {
        case .listMarkersOnOneLine: while text.utf8.count < bytes { text += "- - - - - - - - " }; text += "x\n"
        case .asterisksOnOneLine: while text.utf8.count < bytes { text += "* * * * * * * * " }; text += "x\n"
        case .indentedList:
            var depth = 0
            while text.utf8.count < bytes {
                text += String(repeating: " ", count: 2 * depth) + "- item \(depth)\n"
                depth += 1
            }
        case .blockQuotesOnOneLine: while text.utf8.count < bytes { text += "> > > > > > > > " }; text += "x\n"
        case .deepBlockQuoteLines:
            let line = String(repeating: "> ", count: 64) + "quoted\n"
            while text.utf8.count < bytes { text += line }
        case .asteriskLine: while text.utf8.count < bytes { text += "********************************" }; text += "x\n"
        case .emphasisLike: while text.utf8.count < bytes { text += "*a _b **c __d " }; text += "\n"
        case .backtickRun: while text.utf8.count < bytes { text += "````````````````" }; text += " ` info\n"
        case .linkReferenceDefinitions:
            var number = 0
            while text.utf8.count < bytes { text += "[r\(number)]: /u\(number) \"t\"\n"; number += 1 }
            text += "heading\n===\n"
        }
        return text
    }
}
