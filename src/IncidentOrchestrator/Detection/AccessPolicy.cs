using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace IncidentOrchestrator.Detection;

/// <summary>
/// Who may read what, per named connection: made from the dataset catalogue, or (for this release) read from the file
/// <c>Detection__AccessPolicy</c> names, in this form:
/// <code>
/// connections:
///   warehouse:
///     hr.employee_activity:
///       allowed: [hr_analysts, training_pipeline]
///       programme: activity-insights     # optional: the programme that consumes it
/// </code>
/// </summary>
public sealed class AccessPolicy
{
    public Dictionary<string, Dictionary<string, DatasetPolicy>> Connections { get; set; } = new(StringComparer.Ordinal);

    public static AccessPolicy Load(string path)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        return deserializer.Deserialize<AccessPolicy>(File.ReadAllText(path)) ?? new AccessPolicy();
    }
}

public sealed class DatasetPolicy
{
    public List<string> Allowed { get; set; } = [];
    public string? Programme { get; set; }
}

public sealed class DetectionOptions
{
    /// <summary>The access-policy YAML file; without it nothing is scanned.</summary>
    public string? AccessPolicy { get; set; }

    /// <summary>Seconds between scans; 0 scans only on request (POST /api/detection/scan).</summary>
    public int IntervalSeconds { get; set; }
}
