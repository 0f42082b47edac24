// Every file here runs the built binary through the shared test support.
@_exported import RunbookTestSupport
