/// The text of one generated chapter: a title, a little prose, and steps that look like the
/// shipped runbook's: mostly small templated config files, some links and some guarded commands.
///
/// In every ten steps, seven write a file, two link to the file just before them and one is a
/// `run` guarded by `creates=` on a file written two steps earlier, so on a converged root every
/// guard is satisfied and a plan has nothing to do. Step 4 of chapter 2 reads:
///
/// ````markdown
/// ## Instance 0002-004: an alias
///
/// Clients that still use the old name, /srv/bench/c0002/s004.alias, find the same file through a link.
///
/// ```sh link=/srv/bench/c0002/s004.alias to=/srv/bench/c0002/s003.conf
/// ln -s /srv/bench/c0002/s003.conf /srv/bench/c0002/s004.alias
/// ```
/// ````
struct SyntheticChapter {
    var number: Int
    var stepCount: Int

    /// The chapter's file name; byte order is run order, as for the shipped runbook.
    var fileName: String { "\(padded(number, 4))-part.md" }

    var text: String {
        var text = """
            # Part \(padded(number, 4)): instances 1 to \(stepCount)

            This part configures \(stepCount) instances of the `{{service}}` service. Each one gets a
            small configuration file under `/srv/bench/c\(padded(number, 4))/`, some get an alias, and
            a few files are seeded by a command when nothing has written them yet.

            """
        text.reserveCapacity(stepCount * 420)
        for position in stride(from: 1, through: stepCount, by: 1) {
            text += step(at: position)
        }
        return text
    }

    private func path(_ position: Int, _ suffix: String) -> String {
        "/srv/bench/c\(padded(number, 4))/s\(padded(position, 3)).\(suffix)"
    }

    private func step(at position: Int) -> String {
        let instance = "\(padded(number, 4))-\(padded(position, 3))"
        if position % 10 == 0 {
            let seeded = path(position - 2, "conf")
            return """

                ## Instance \(instance): seed a default

                When no step has written the file yet, a command writes a default one. The guard
                makes a second apply do nothing.

                ```sh run creates=\(seeded)
                printf '[instance]\\nname = {{service}}-default\\n' > \(seeded)
                ```

                """
        }
        if position % 5 == 4 {
            let alias = path(position, "alias"), target = path(position - 1, "conf")
            return """

                ## Instance \(instance): an alias

                Clients that still use the old name, \(alias), find the same file through a link.

                ```sh link=\(alias) to=\(target)
                ln -s \(target) \(alias)
                ```

                """
        }
        let mode = position % 3 == 0 ? "0640" : "0644"
        return """

            ## Instance \(instance)

            The instance listens on the shared address and logs at the level chosen for the whole
            runbook. Its port is the base port; a reverse proxy tells the instances apart. Its
            configuration is \(path(position, "conf")):

            ```ini file=\(path(position, "conf")) mode=\(mode)
            [instance]
            name = {{service}}-\(instance)
            listen = {{listen_host}}:{{base_port}}
            workers = {{ workers }}
            log_level = {{log_level}}
            data = {{data_root}}/\(instance)
            ```

            """
    }

    private func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
