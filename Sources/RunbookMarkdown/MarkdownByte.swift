import RunbookHost

/// The ASCII bytes that Markdown block structure is made of, and the character classes CommonMark
/// defines over them. Block syntax is pure ASCII, so the scanner never needs to decode UTF-8.
package enum MarkdownByte {
    package static let tab: UInt8 = 0x09
    package static let newline: UInt8 = 0x0A
    package static let verticalTab: UInt8 = 0x0B
    package static let formFeed: UInt8 = 0x0C
    package static let carriageReturn: UInt8 = 0x0D
    package static let space: UInt8 = 0x20
    package static let exclamation: UInt8 = 0x21
    package static let doubleQuote: UInt8 = 0x22
    package static let hash: UInt8 = 0x23
    package static let ampersand: UInt8 = 0x26
    package static let singleQuote: UInt8 = 0x27
    package static let openingParenthesis: UInt8 = 0x28
    package static let closingParenthesis: UInt8 = 0x29
    package static let asterisk: UInt8 = 0x2A
    package static let plus: UInt8 = 0x2B
    package static let hyphen: UInt8 = 0x2D
    package static let period: UInt8 = 0x2E
    package static let slash: UInt8 = 0x2F
    package static let zero: UInt8 = 0x30
    package static let colon: UInt8 = 0x3A
    package static let semicolon: UInt8 = 0x3B
    package static let lessThan: UInt8 = 0x3C
    package static let equals: UInt8 = 0x3D
    package static let greaterThan: UInt8 = 0x3E
    package static let question: UInt8 = 0x3F
    package static let openingBracket: UInt8 = 0x5B
    package static let backslash: UInt8 = 0x5C
    package static let closingBracket: UInt8 = 0x5D
    package static let underscore: UInt8 = 0x5F
    package static let backtick: UInt8 = 0x60
    package static let tilde: UInt8 = 0x7E

    @inline(__always)
    package static func isSpaceOrTab(_ value: UInt8) -> Bool { value == space || value == tab }

    /// CommonMark's whitespace: space, tab, line feed, vertical tab, form feed, carriage return.
    @inline(__always)
    package static func isWhitespace(_ value: UInt8) -> Bool { value == space || (value >= tab && value <= carriageReturn) }

    @inline(__always)
    package static func isDigit(_ value: UInt8) -> Bool { value &- zero < 10 }

    @inline(__always)
    package static func isHexDigit(_ value: UInt8) -> Bool { isDigit(value) || (value | 0x20) &- 0x61 < 6 }

    @inline(__always)
    package static func isLetter(_ value: UInt8) -> Bool { (value | 0x20) &- 0x61 < 26 }

    /// ASCII punctuation: the characters a backslash can escape.
    package static func isPunctuation(_ value: UInt8) -> Bool {
        (value >= 0x21 && value <= 0x2F) || (value >= 0x3A && value <= 0x40)
            || (value >= 0x5B && value <= 0x60) || (value >= 0x7B && value <= 0x7E)
    }

    @inline(__always)
    package static func lowercased(_ value: UInt8) -> UInt8 { value &- 0x41 < 26 ? value | 0x20 : value }
}
