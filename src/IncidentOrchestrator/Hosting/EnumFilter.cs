namespace IncidentOrchestrator.Hosting;

/// <summary>A query's filter on an enum: one value or a comma list of its names, as every list and series reads it.</summary>
public static class EnumFilter
{
    /// <summary>One value or a comma list of the enum's names; null when not given.</summary>
    public static T[]? Parse<T>(string? value, string field, Problems.Validation validation) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        var parsed = new List<T>();
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (ApiJson.Value<T>(item) is { } one) parsed.Add(one);
            else validation.Add(field, $"'{item}' is not one of {string.Join(", ", ApiJson.Names<T>())}.");
        }
        return parsed.ToArray();
    }

    /// <summary>The same filter on a set of names (a status kept as text): the names given, each unknown one a field error; empty when not given.</summary>
    public static string[] Parse(string? value, IReadOnlyCollection<string> names, string field, Problems.Validation validation)
    {
        var given = value?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        foreach (var unknown in given.Where(s => !names.Contains(s)))
            validation.Add(field, $"'{unknown}' is not one of {string.Join(", ", names)}.");
        return given;
    }
}
