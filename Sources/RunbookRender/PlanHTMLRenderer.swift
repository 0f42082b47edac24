import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Renders a ``Plan`` as one self-contained review page, for a reviewer to read and attach to a
/// change request: no external assets, no JavaScript, readable on a laptop and in print.
///
/// A summary table comes first, then the variables in effect, then each chapter with its steps
/// (mark, source link, the heading the step sits under, details, a coloured diff that a long
/// one keeps folded in `<details>`, whole scripts), the handlers that would fire and the checks.
/// Every piece of text is masked by the ``Redactor`` before it is escaped, so a secret can't
/// survive as an HTML entity.
public struct PlanHTMLRenderer {
    public var redactor: Redactor
    /// Diffs longer than this are folded; a reviewer opens them.
    public static let foldedDiffLines = 40

    public init(redactor: Redactor) { self.redactor = redactor }

    public func render(_ plan: Plan) -> String {
        let counts = PlanCounts(plan)
        var page = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(text("Plan for \(plan.runbook) on \(plan.target)"))</title>
        <style>\(Self.styleSheet)</style>
        </head>
        <body>
        <header>
        <h1>\(text("Plan for \(plan.runbook) on \(plan.target)"))</h1>
        <p class="verdict">\(plan.hasChanges ? "\(plan.pendingChanges) step\(plan.pendingChanges == 1 ? "" : "s") would change" : "No changes")</p>
        <table class="summary">
        <thead><tr><th scope="col">chapter</th>\(Self.countColumns.map { "<th scope=\"col\">\($0.title)</th>" }.joined())</tr></thead>
        <tbody>

        """
        for chapter in plan.chapters {
            let chapterCounts = PlanCounts(chapters: [chapter])
            page += "<tr><th scope=\"row\"><a href=\"#chapter-\(attribute(chapter.name))\">\(text(chapter.title))</a></th>"
                + Self.countColumns.map { "<td>\($0.value(chapterCounts))</td>" }.joined() + "</tr>\n"
        }
        page += "</tbody>\n<tfoot><tr><th scope=\"row\">all</th>"
            + Self.countColumns.map { "<td>\($0.value(counts))</td>" }.joined() + "</tr></tfoot>\n</table>\n"
        page += "<p class=\"legend\">\(text(PlanSymbol.legend))</p>\n"
        for notice in plan.notices { page += "<p class=\"notice\">note: \(text(notice))</p>\n" }
        for name in plan.secretsToGenerate {
            page += "<p class=\"notice\">secret <code>\(text(name))</code> does not exist yet; apply generates it and keeps it in the state directory</p>\n"
        }
        page += "</header>\n<main>\n" + variables(plan.variables)
        for chapter in plan.chapters { page += render(chapter) }
        page += "</main>\n</body>\n</html>\n"
        return page
    }

    private func variables(_ variables: [Plan.VariableInEffect]) -> String {
        guard !variables.isEmpty else { return "" }
        var out = "<section id=\"variables\">\n<h2>Variables in effect</h2>\n<table class=\"variables\">\n"
            + "<thead><tr><th scope=\"col\">name</th><th scope=\"col\">value</th><th scope=\"col\">from</th><th scope=\"col\">about</th></tr></thead>\n<tbody>\n"
        for variable in variables {
            let value = variable.value.map { $0.isEmpty ? "<i>empty</i>" : "<code>\(text($0))</code>" } ?? "<code>\(Redactor.mask)</code>"
            out += "<tr\(variable.isExample ? " class=\"example\"" : "")><th scope=\"row\"><code>\(text(variable.name))</code></th><td>\(value)</td>"
                + "<td>\(text(variable.source.description))</td><td>\(text(variable.about))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        for variable in variables where variable.isExample {
            out += "<p class=\"warning\">warning: <code>\(text(variable.name))</code> is still the example <code>\(text(variable.value ?? ""))</code>, "
                + "the default at \(text(variable.declaredAt.description)); give this server's own with <code>--var \(text(variable.name))=VALUE</code> or in a vars file</p>\n"
        }
        return out + "</section>\n"
    }

    private func render(_ chapter: Plan.ChapterPlan) -> String {
        var out = "<section class=\"chapter\" id=\"chapter-\(attribute(chapter.name))\">\n"
            + "<h2>\(text(chapter.title)) <small><a href=\"\(attribute(chapter.file))\">\(text(chapter.file))</a></small></h2>\n"
        for step in chapter.steps { out += render(step) }
        for inactive in chapter.inactive {
            out += "<article class=\"step unchanged\" id=\"step-\(attribute(inactive.id))\"><h3>\(mark(.unchanged)) <code>\(text(inactive.id))</code> "
                + "\(text(inactive.kind.displayName))</h3><p class=\"reason\">skipped, <code>when=\"\(text(inactive.condition))\"</code> is false</p></article>\n"
        }
        for firing in chapter.handlers {
            out += "<article class=\"handler\"><h3>\(mark(.handler)) handler <code>\(text(firing.name))</code> would fire</h3>"
                + "<p class=\"where\">\(source(firing.handler.location)); notified by \(firing.notifiedBy.map { "<a href=\"#step-\(attribute($0))\"><code>\(text($0))</code></a>" }.joined(separator: ", "))</p>"
                + (firing.skipped.map { "<p class=\"reason\">skipped, \(text($0))</p>" } ?? "") + script(firing.script) + "</article>\n"
        }
        for check in chapter.checks {
            out += "<article class=\"check\"><h3>\(mark(.check)) <code>\(text(check.check.id))</code> \(text(check.check.summary))</h3>"
                + "<p class=\"where\">\(source(check.check.location))</p>"
                + "<p class=\"reason\">\(text(check.skipped.map { "skipped, \($0)" } ?? "runs after the chapter's changes and handlers"))</p>"
                + script(check.script) + "</article>\n"
        }
        return out + "</section>\n"
    }

    private func render(_ step: StepPlan) -> String {
        let symbol = PlanSymbol(step)
        var out = "<article class=\"step \(Self.className(symbol))\" id=\"step-\(attribute(step.step.id))\">\n"
            + "<h3>\(mark(symbol)) <code>\(text(step.step.id))</code> \(text(step.step.summary))</h3>\n"
            + "<p class=\"where\">\(source(step.step.location))\(step.step.heading.map { ", under “\(text($0))”" } ?? "")</p>\n"
        switch step.outcome {
        case .unchanged(let reason): out += "<p class=\"reason\">\(text(reason))</p>\n"
        case .skipped(let reason): out += "<p class=\"reason\">skipped, \(text(reason))</p>\n"
        case .change: break
        }
        let lines = ChangeWords.lines(for: step)
        if !lines.isEmpty {
            out += "<ul class=\"details\">" + lines.map { "<li>\(text($0))</li>" }.joined() + "</ul>\n"
        }
        for note in step.notes { out += "<p class=\"note\">note: \(text(note))</p>\n" }
        if let diff = step.diff, step.hasChanges {
            let lines = diff.lines().dropLast()
            out += "<details class=\"diff\"\(lines.count <= Self.foldedDiffLines ? " open" : "")><summary>diff, \(lines.count) lines</summary><pre>"
                + lines.map { line in "<span class=\"\(Self.diffClass(line))\">\(text(String(line)))</span>" }.joined(separator: "\n")
                + "</pre></details>\n"
        }
        if step.hasChanges {
            for change in step.planned { out += change.script.map(script) ?? "" }
        }
        return out + "</article>\n"
    }

    private func mark(_ symbol: PlanSymbol) -> String {
        "<span class=\"mark\" title=\"\(symbol.meaning)\">\(symbol.rawValue)</span>"
    }

    private func source(_ location: SourceLocation) -> String {
        "<a href=\"\(attribute(location.file))#L\(location.line)\">\(text(location.description))</a>"
    }

    private func script(_ body: String) -> String {
        "<pre class=\"script\">\(text(body.hasSuffix("\n") ? String(body.dropLast()) : body))</pre>\n"
    }

    /// Masked, then escaped for element content.
    private func text(_ raw: String) -> String {
        var escaped = ""
        for character in redactor.redact(raw) {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Masked, then escaped for a double-quoted attribute.
    private func attribute(_ raw: String) -> String { text(raw).replacingEvery("\"", with: "&quot;") }

    private static func className(_ symbol: PlanSymbol) -> String {
        switch symbol {
        case .create: "create"
        case .update: "update"
        case .delete: "delete"
        case .run: "run"
        case .handler: "handler"
        case .check: "check"
        case .unchanged: "unchanged"
        }
    }

    private static func diffClass(_ line: Substring) -> String {
        if line.hasPrefix("+++") || line.hasPrefix("---") { return "file" }
        if line.hasPrefix("+") { return "add" }
        if line.hasPrefix("-") { return "remove" }
        if line.hasPrefix("@@") { return "hunk" }
        return "context"
    }

    private static let countColumns: [(title: String, value: @Sendable (PlanCounts) -> Int)] = [
        ("+ create", { $0.create }), ("~ update", { $0.update }), ("- delete", { $0.delete }), ("> run", { $0.run }),
        ("· unchanged", { $0.unchanged }), ("· skipped", { $0.skipped }), ("! handlers", { $0.handlers }), ("? checks", { $0.checks }),
    ]

    private static let styleSheet = """
    body{font:15px/1.45 system-ui,sans-serif;color:#1b1b1b;max-width:64rem;margin:2rem auto;padding:0 1rem}
    h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
    h3{font-size:1rem;margin:0 0 .2rem;font-weight:600}small{font-weight:400;color:#555}
    table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
    table.summary td{text-align:right;font-variant-numeric:tabular-nums}tfoot{font-weight:600}
    article{border-left:4px solid #bbb;padding:.4rem .8rem;margin:.6rem 0;background:#fafafa;break-inside:avoid}
    article.create{border-color:#2e7d32}article.update{border-color:#b26a00}article.delete{border-color:#c62828}
    article.run,article.check{border-color:#00838f}article.handler{border-color:#b26a00}article.unchanged{border-color:#ddd;background:#fff}
    .mark{display:inline-block;width:1.2em;font-family:ui-monospace,monospace;font-weight:700}
    .where,.reason{margin:.1rem 0;color:#555;font-size:.9rem}.note,.notice{color:#7a4f00}.warning{color:#b00020;font-weight:600}
    tr.example td{background:#fff3f3}
    pre{font:13px/1.35 ui-monospace,monospace;background:#fff;border:1px solid #ddd;padding:.5rem;overflow-x:auto;white-space:pre;margin:.3rem 0}
    pre.script{border-left:3px solid #00838f}
    .add{color:#1b5e20;background:#e8f5e9}.remove{color:#b71c1c;background:#ffebee}.hunk{color:#006064}.file{font-weight:700}
    .add,.remove,.hunk,.file,.context{display:inline-block;min-width:100%}
    summary{cursor:pointer;color:#555;font-size:.9rem}
    a{color:#0b57d0}
    @media print{body{max-width:none;margin:0;font-size:11pt}details>*{display:block}pre{white-space:pre-wrap;overflow:visible}a{color:inherit}}
    """
}
