import FoundationEssentials
import Glibc
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook snapshots` and `runbook snapshots show ID`.
package struct SnapshotsCommand {
    package let session: Session

    package func run() throws -> ExitCode {
        let store = session.state.snapshots
        let console = session.console
        switch session.options.arguments.first {
        case nil:
            let manifests = try store.list()
            if session.options.json {
                console.line(try JSONOutput.text(SnapshotListDocument(stateDirectory: session.state.path.description, manifests: manifests)))
                return .success
            }
            guard !manifests.isEmpty else {
                console.line("No snapshots in \(session.state.path).")
                return .success
            }
            let rows = manifests.map { manifest in
                var outcome = manifest.observedStatus.rawValue
                if let undoneBy = manifest.undoneBy { outcome += ", undone by \(undoneBy)" }
                if let continuedBy = manifest.continuedBy { outcome += ", finished by \(continuedBy)" }
                let chapters = manifest.kind == .rollback ? "undoes \(manifest.undoes.map(String.init).joined(separator: ", "))"
                    : manifest.chapters.joined(separator: ", ")
                return [manifest.idText, manifest.startedAt, manifest.kind.rawValue, outcome, String(manifest.records.count), chapters]
            }
            let lines = TextTable(header: ["ID", "STARTED", "KIND", "OUTCOME", "PATHS", "CHAPTERS"], rows: rows).lines()
            console.line(console.style.bold(lines[0]))
            for line in lines.dropFirst() { console.line(line) }
        case "show":
            let id = Int(session.options.arguments[1])!
            guard let manifest = try store.load(id) else {
                throw Diagnostic("there is no snapshot \(id) in \(session.state.path)", origin: "snapshots show \(id)",
                                 hint: "`runbook snapshots` lists them")
            }
            if session.options.json {
                console.line(try JSONOutput.text(SnapshotDetailDocument(stateDirectory: session.state.path.description, manifest: manifest)))
                return .success
            }
            console.line(console.style.bold("Snapshot \(manifest.id): \(manifest.kind.rawValue), \(manifest.observedStatus.rawValue)"))
            console.line("started \(manifest.startedAt), finished \(manifest.finishedAt ?? "-"), pid \(manifest.processID)")
            console.line("runbook \(manifest.runbook) on \(manifest.target)")
            if manifest.status == .stopped {
                console.line("stopped at your request (apply --step) in \(manifest.chapters.last ?? "-"); chapters run: \(manifest.chapters.joined(separator: ", "))")
            }
            if let failure = manifest.failure { console.line("failure: \(failure)") }
            if !manifest.handlersRun.isEmpty { console.line("handlers run: \(manifest.handlersRun.joined(separator: ", "))") }
            if !manifest.packagesInstalled.isEmpty { console.line("packages installed: \(manifest.packagesInstalled.joined(separator: ", "))") }
            for record in manifest.records {
                console.line("  \(record.path)  [\(record.stepID)]\(record.sensitive ? " (content withheld: it may hold a secret)" : "")")
                console.line("      before: \(record.before.summary)")
                console.line("      after:  \(record.after?.summary ?? "unknown (interrupted)")")
            }
        default:
            preconditionFailure("CommandLineOptions admits only `snapshots` and `snapshots show ID`")
        }
        return .success
    }
}
