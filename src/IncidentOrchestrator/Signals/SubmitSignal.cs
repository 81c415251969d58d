using System.Text.Json;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;

namespace IncidentOrchestrator.Signals;

public static class SignalRules
{
    public const int MaxFingerprintLength = 500;
    public const int MaxTextLength = 300;
    public const int MaxAttributes = 100;

    public static void Check(SubmitSignal? signal, string prefix, Problems.Validation validation)
    {
        if (signal is null)
        {
            validation.Add(prefix.TrimEnd('.'), "A signal object is required.");
            return;
        }

        Text(signal.Source, $"{prefix}source", MaxTextLength, validation);
        Text(signal.Type, $"{prefix}type", MaxTextLength, validation);
        Text(signal.Fingerprint, $"{prefix}fingerprint", MaxFingerprintLength, validation);
        validation.Require(signal.Severity is not null, $"{prefix}severity", "One of low, medium, high, critical is required.");
        validation.Require((signal.Title?.Length ?? 0) <= MaxTextLength, $"{prefix}title", $"At most {MaxTextLength} characters.");
        validation.Require((signal.Attributes?.Count ?? 0) <= MaxAttributes, $"{prefix}attributes", $"At most {MaxAttributes} attributes.");
    }

    private static void Text(string? value, string field, int max, Problems.Validation validation)
    {
        if (string.IsNullOrWhiteSpace(value)) validation.Add(field, "Required.");
        else if (value.Length > max) validation.Add(field, $"At most {max} characters.");
    }
}
