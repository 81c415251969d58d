namespace IncidentOrchestrator.Playbooks.Tests.Support;

public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Playbooks => Path.Combine(Root, "playbooks");

    public static string Catalogue => Path.Combine(Root, "catalogue");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "IncidentOrchestrator.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (IncidentOrchestrator.sln) was not found above " + AppContext.BaseDirectory);
    }
}
