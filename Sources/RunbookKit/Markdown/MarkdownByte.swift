/// The ASCII bytes that Markdown block structure is made of, and the character classes CommonMark
/// defines over them. Block syntax is pure ASCII, so the scanner never needs to decode UTF-8.
enum MarkdownByte {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let verticalTab: UInt8 = 0x0B
    static let formFeed: UInt8 = 0x0C
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let exclamation: UInt8 = 0x21
    static let doubleQuote: UInt8 = 0x22
    static let hash: UInt8 = 0x23
    static let ampersand: UInt8 = 0x26
    static let singleQuote: UInt8 = 0x27
    static let openingParenthesis: UInt8 = 0x28
    static let closingParenthesis: UInt8 = 0x29
    static let asterisk: UInt8 = 0x2A
    static let plus: UInt8 = 0x2B
    static let hyphen: UInt8 = 0x2D
    static let period: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let lessThan: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let question: UInt8 = 0x3F
    static let openingBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let closingBracket: UInt8 = 0x5D
    static let underscore: UInt8 = 0x5F
    static let backtick: UInt8 = 0x60
    static let tilde: UInt8 = 0x7E

    @inline(__always)
    static func isSpaceOrTab(_ value: UInt8) -> Bool { value == space || value == tab }

    /// CommonMark's whitespace: space, tab, line feed, vertical tab, form feed, carriage return.
    @inline(__always)
    static func isWhitespace(_ value: UInt8) -> Bool { value == space || (value >= tab && value <= carriageReturn) }

    @inline(__always)
    static func isDigit(_ value: UInt8) -> Bool { value &- zero < 10 }

    @inline(__always)
    static func isHexDigit(_ value: UInt8) -> Bool { isDigit(value) || (value | 0x20) &- 0x61 < 6 }

    @inline(__always)
    static func isLetter(_ value: UInt8) -> Bool { (value | 0x20) &- 0x61 < 26 }

    /// ASCII punctuation: the characters a backslash can escape.
    static func isPunctuation(_ value: UInt8) -> Bool {
        (value >= 0x21 && value <= 0x2F) || (value >= 0x3A && value <= 0x40)
            || (value >= 0x5B && value <= 0x60) || (value >= 0x7B && value <= 0x7E)
    }

    @inline(__always)
    static func lowercased(_ value: UInt8) -> UInt8 { value &- 0x41 < 26 ? value | 0x20 : value }
}
