import RunbookSteps
import RunbookModel
import RunbookHost

/// What `apply --step` shows before each step: the step's heading and place, the prose it sits
/// under, wrapped to the terminal, then its plan with whole scripts; and, when asked, the block as
/// written or the keys.
///
/// ```
/// Step 04-json-logs/1: What is logged and what is not (Runbook/04-json-logs.md:39)
///
///   `escape=json` makes nginx escape quotes, backslashes and control characters in every
///   value, so a strange user agent can't break the JSON. The fields are:
///   …
///   The format goes in `/etc/nginx/conf.d/json-log-format.conf`:
///
///   + 04-json-logs/1  file /etc/nginx/conf.d/json-log-format.conf
///       …
/// ```
public struct StepTourRenderer {
    public var style: TextStyle
    /// The terminal's width in columns.
    public var width: Int

    public init(style: TextStyle, width: Int) {
        self.style = style
        self.width = width
    }

    /// Enter answers this, so a key pressed by accident never changes the system.
    public static let defaultKey = "n"
    public static let prompt = "Apply this step? [y/N/a/q/d/s/?] "

    public static let help = """
        y  yes: apply this step
        n  no: skip it and go on to the next (Enter answers n)
        a  all: apply this step and every one after it without asking
        q  quit: stop here; what was applied stays applied, the snapshot says stopped, and
           `runbook rollback` undoes it
        d  show the diff again: the step's plan, with its whole script
        s  show the step's source: the block as written in the chapter, with its file:line
        ?  show these keys
        """

    /// The step's heading and place, then `prose`: the paragraphs not shown yet under that heading.
    public func introduction(_ plan: StepPlan, prose: [String]) -> String {
        var out = "\n" + style.bold("Step \(plan.step.id)" + (plan.step.heading.map { ": \($0)" } ?? ""))
            + style.dim(" (\(plan.step.location.file):\(plan.step.location.line))") + "\n"
        let indent = "  "
        var previousWasListItem = false
        for paragraph in prose {
            let lines = ProseWrapping.lines(of: paragraph, width: max(20, width - indent.count))
            let isListItem = ProseWrapping.startsListItem(paragraph)
            // The items of a list follow one another, as a reader sees them.
            out += (isListItem && previousWasListItem ? "" : "\n") + lines.map { indent + $0 + "\n" }.joined()
            previousWasListItem = isListItem
        }
        return out + "\n" + PlanTextRenderer(style: style).render(plan)
    }

    /// The block as written, container prefixes included, under its file:line.
    public func source(_ block: StepBlock) -> String {
        style.dim("\(block.location.file):\(block.location.line)") + "\n" + block.source + "\n"
    }
}
