using System.Text.Json;

namespace IncidentOrchestrator.Cli;

/// <summary>
/// Where the service is and who the person is: <c>incident login</c> writes a profile (mode 600) under the user's
/// configuration folder; <c>INCIDENT_URL</c> / <c>INCIDENT_TOKEN</c> override it, and <c>--url</c> / <c>--token</c> override both.
/// </summary>
public sealed record Profile(string? Url, string? Token)
{
    public static string PathOnDisk => Environment.GetEnvironmentVariable("INCIDENT_PROFILE")
        ?? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "incident", "profile.json");

    public static Profile Load()
    {
        var saved = File.Exists(PathOnDisk) ? JsonSerializer.Deserialize<Profile>(File.ReadAllText(PathOnDisk)) ?? new(null, null) : new(null, null);
        return new Profile(Environment.GetEnvironmentVariable("INCIDENT_URL") ?? saved.Url, Environment.GetEnvironmentVariable("INCIDENT_TOKEN") ?? saved.Token);
    }

    public void Save()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(PathOnDisk)!);
        using (var file = new FileStream(PathOnDisk, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(PathOnDisk, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            JsonSerializer.Serialize(file, this);
        }
    }
}
