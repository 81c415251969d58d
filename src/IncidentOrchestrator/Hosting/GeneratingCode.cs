namespace IncidentOrchestrator.Hosting;

/// <summary>True while `codegen …` runs: it must start without a database or secrets.</summary>
public static class GeneratingCode
{
    public static bool IsRunning() => Environment.GetCommandLineArgs().Contains("codegen");
}
