using IncidentOrchestrator.Cli;

return await IncidentCli.RunAsync(args, CliConsole.System(), handler: null);
