using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Loading;

public sealed class the_shipped_playbooks
{
    [Fact]
    public void all_load_without_a_single_error()
    {
        var library = Load.Shipped();

        Assert.True(library.IsValid, string.Join("\n", library.Errors));
        Assert.Equal(
            ["access-break-glass", "access-request", "compromised-service-credentials", "insider-bulk-download", "privacy-notification", "sensitive-data-exposure"],
            library.Playbooks.Keys.Order());
    }

    [Fact]
    public void each_pins_the_sha256_of_its_exact_text()
    {
        var playbook = Load.Shipped().Find("sensitive-data-exposure")!;
        var text = File.ReadAllText(Path.Combine(Repository.Playbooks, "sensitive-data-exposure.yaml"));

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), playbook.Hash);
        Assert.Equal(text, playbook.Source);
    }

    [Fact]
    public void each_points_editors_at_the_json_schema()
    {
        foreach (var file in Directory.GetFiles(Repository.Playbooks, "*.yaml"))
            Assert.StartsWith("# yaml-language-server: $schema=./playbook.schema.json", File.ReadAllText(file));
    }
}
