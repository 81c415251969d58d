using IncidentOrchestrator.Cli;

return await IncidentCli.RunAsync(args, new CliConsole(Console.Out, Console.Error), handler: null);
