/// Info strings, `vars` declarations, vars files, `--var` arguments and templates must never
/// crash, whatever the text.
func fuzzVariables(_ input: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: input, as: UTF8.self)
    let here = SourceLocation(file: "fuzz", line: 1)
    _ = try? InfoStringParser.words(in: text, at: here)
    _ = try? VariableInput.parseFile(text, file: "fuzz.vars")
    _ = try? VariableInput.parseArgument(text)
    _ = try? StepCondition(parsing: text, at: here)
    guard let declarations = try? VariableDeclaration.parse(block: text, start: here),
          let resolved = try? VariableResolver(declarations: declarations, given: [], storedSecrets: [:]).resolve() else { return }
    _ = try? Template.render(text, with: resolved, at: here)
}
