namespace IncidentOrchestrator.Playbooks.Expressions;

/// <summary>A syntax or evaluation error, with its offset inside the expression text.</summary>
public sealed class ExpressionException(string message, int offset) : Exception(message)
{
    public int Offset { get; } = offset;
}
