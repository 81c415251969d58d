namespace IncidentOrchestrator.Playbooks;

/// <summary>One problem in a playbook file, reported as <c>FILE:LINE:COLUMN: CODE message</c>.</summary>
public sealed record PlaybookError(string File, int Line, int Column, string Code, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Code} {Message}";
}

/// <summary>Collects errors for one file, in the order they are found.</summary>
public sealed class ErrorSink(string file)
{
    private readonly List<PlaybookError> _errors = [];

    public string File { get; } = file;
    public IReadOnlyList<PlaybookError> Errors => _errors;
    public bool HasErrors => _errors.Count > 0;

    public void Add(Yaml.Position at, string code, string message) => _errors.Add(new PlaybookError(File, at.Line, at.Column, code, message));
}
