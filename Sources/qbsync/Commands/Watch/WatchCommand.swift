import ArgumentParser

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Live dashboard.")
    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    func run() async throws {}
}
