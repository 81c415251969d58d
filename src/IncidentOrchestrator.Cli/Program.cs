using IncidentOrchestrator.Cli;

using (CliConsole.Utf8())
    return await IncidentCli.RunAsync(args, CliConsole.System(), handler: null);
