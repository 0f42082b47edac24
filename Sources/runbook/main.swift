import Foundation
import RunbookKit

exit(RunbookCommand.main(Array(CommandLine.arguments.dropFirst())))
