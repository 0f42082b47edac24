import FoundationEssentials
import RunbookModel
import RunbookHost

/// Puts this very runbook on a server that lacks it, once: as `bin/runbook-SHA256` in the
/// target's state directory, where the next run finds it and sends nothing.
///
/// The first round trip asks for the server's architecture and whether that file is there. If
/// it is not, the binary streams over the same connection on ssh's standard input (never scp) into
/// a temporary file made under umask 077, which is fsynced and its hash verified before it is
/// renamed into place: a cut connection or a wrong byte leaves no runbook-SHA256 behind.
struct BinaryShipment {
    /// The state directory on the server, as the agent will use it.
    var stateDirectory: String
    var sha256: String
    /// Its length: a file of that name and another length was cut short, and is sent again.
    var size: Int

    var directory: String { "\(stateDirectory)/bin" }
    var remotePath: String { "\(directory)/runbook-\(sha256)" }

    /// Prints the architecture, then `present` or `absent` (also for a file of another length).
    var probeScript: String {
        "uname -m; if test -x \(quoted(remotePath)) && test \"$(wc -c < \(quoted(remotePath)))\" = \(size); then echo present; else echo absent; fi"
    }

    /// The parents are made as usual; the state directory and bin/ private, as runbook makes its state.
    var uploadScript: String {
        """
        set -e; mkdir -p "$(dirname \(quoted(stateDirectory)))"; umask 077; mkdir -p \(quoted(directory)); \
        temporary=$(mktemp \(quoted(directory))/.upload.XXXXXX); trap 'rm -f "$temporary"' EXIT; \
        cat > "$temporary"; sync "$temporary"; \
        test "$(sha256sum < "$temporary" | cut -d' ' -f1)" = \(sha256) || { echo "the binary arrived damaged" >&2; exit 1; }; \
        chmod 0700 "$temporary"; mv -f "$temporary" \(quoted(remotePath)); trap - EXIT; sync \(quoted(directory))
        """
    }

    struct Probe: Equatable {
        var architecture: String
        var present: Bool
    }

    static func probe(from output: String) -> Probe? {
        let lines = output.lines(omittingEmpty: true).map { String($0).trimmingBlanks() }
        guard lines.count == 2, ["present", "absent"].contains(lines[1]) else { return nil }
        return Probe(architecture: lines[0], present: lines[1] == "present")
    }

    private func quoted(_ word: String) -> String { ShellWord.quoted(word) }
}
