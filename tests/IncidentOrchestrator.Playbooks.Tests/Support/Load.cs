using IncidentOrchestrator.Playbooks.Actions;
using IncidentOrchestrator.Playbooks.Model;

namespace IncidentOrchestrator.Playbooks.Tests.Support;

public static class Load
{
    public static PlaybookLibrary Shipped() => PlaybookLibrary.LoadDirectory(Repository.Playbooks, BuiltInActions.Catalog);

    /// <summary>Validates one text as a file of its own, against the shipped library (for sub-playbooks).</summary>
    public static IReadOnlyList<PlaybookError> Errors(string yaml, string file = "test.yaml") =>
        Shipped().Validate(new PlaybookSource(file, yaml), BuiltInActions.Catalog);

    public static Playbook Valid(string yaml)
    {
        var library = PlaybookLibrary.Load([new PlaybookSource("test.yaml", yaml)], BuiltInActions.Catalog);
        Assert.True(library.IsValid, string.Join("\n", library.Errors));
        return library.Playbooks.Values.Single();
    }

    /// <summary>Several texts as one library (a playbook and the child playbooks it runs), each valid.</summary>
    public static PlaybookLibrary ValidLibrary(params string[] yamls)
    {
        var library = PlaybookLibrary.Load(yamls.Select((y, i) => new PlaybookSource($"test-{i}.yaml", y)), BuiltInActions.Catalog);
        Assert.True(library.IsValid, string.Join("\n", library.Errors));
        return library;
    }
}
