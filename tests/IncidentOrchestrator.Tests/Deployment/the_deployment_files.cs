using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Tests.Fixtures;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace IncidentOrchestrator.Tests.Deployment;

/// <summary>
/// There is no Docker engine or cluster here, so what can be proven is proven: the files parse, they name only settings
/// the service binds (a misspelt variable is silently ignored by .NET, so it must be caught here), and the shape an
/// operator relies on (replicas, probes, grace periods, the schema job, a non-root image) is there.
/// </summary>
public sealed partial class the_deployment_files
{
    private static readonly string Deploy = Path.Combine(Repository.Root, "ops", "deploy");

    [Fact]
    public void compose_kubernetes_systemd_and_the_env_examples_name_only_settings_the_service_binds()
    {
        var names = new List<(string File, string Name)>();
        var compose = Yaml("compose.yaml");
        foreach (var (service, definition) in Map(compose["services"]).Where(s => s.Key != "postgres"))
            if (Map(definition).TryGetValue("environment", out var environment))
                names.AddRange(Map(environment).Keys.Select(n => ($"compose.yaml ({service})", n)));
        foreach (var document in YamlDocuments("kubernetes/incident-orchestrator.yaml"))
        {
            if (document["kind"] is "Secret") names.AddRange(Map(document["stringData"]).Keys.Select(n => ("kubernetes Secret", n)));
            foreach (var container in Containers(document))
                if (container.TryGetValue("env", out var env))
                    names.AddRange(((IList)env).Cast<object>().Select(e => ("kubernetes " + document["kind"], (string)Map(e)["name"])));
        }
        var unit = File.ReadAllLines(Path.Combine(Deploy, "incident-orchestrator.service"));
        names.AddRange(unit.Where(l => l.StartsWith("Environment=")).Select(l => ("systemd unit", l["Environment=".Length..].Split('=')[0])));
        foreach (var line in File.ReadAllLines(Path.Combine(Deploy, "incident-orchestrator.env.example")).Where(l => l.Contains('=') && !l.StartsWith('#')))
            names.Add(("incident-orchestrator.env.example", line.Split('=')[0]));

        Assert.True(names.Count > 20, $"only {names.Count} settings found");
        var unknown = names.Where(n => !Binds(n.Name)).Select(n => $"{n.File}: {n.Name}").ToList();
        Assert.True(unknown.Count == 0, "Settings the service does not read:\n" + string.Join('\n', unknown));
        Assert.False(Binds("Cluster__StaleNodeSecs")); // the check itself catches a misspelling
        Assert.False(Binds("Auth__SigningKey__Extra"));
        Assert.True(Binds("OnCall__commanders__Members__0"));
    }

    [Fact]
    public void every_section_the_code_reads_is_in_the_configuration_map()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src", "IncidentOrchestrator"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("Generated"));
        var sections = sources.SelectMany(f => SectionRead().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value.Split(':')[0])).Distinct().ToList();
        Assert.NotEmpty(sections);
        Assert.All(sections, s => Assert.True(ConfigurationMap.Sections.ContainsKey(s), $"the code reads section '{s}', which the configuration map lacks"));
    }

    [Fact]
    public void kubernetes_runs_two_replicas_with_probes_a_grace_period_a_disruption_budget_and_a_schema_job()
    {
        var all = YamlDocuments("kubernetes/incident-orchestrator.yaml").ToList();
        var documents = all.Where(d => (string)d["kind"] != "ConfigMap").ToDictionary(d => (string)d["kind"]);
        var deployment = documents["Deployment"];
        Assert.True(int.Parse((string)Map(deployment["spec"])["replicas"]) >= 2);
        var pod = Map(Map(Map(deployment["spec"])["template"])["spec"]);
        Assert.True(int.Parse((string)pod["terminationGracePeriodSeconds"]) > 120, "the grace period must outlast the slowest step (2 min)");
        var node = Containers(deployment).Single();
        Assert.Equal("/health/live", Map(Map(node["livenessProbe"])["httpGet"])["path"]);
        Assert.Equal("/health/ready", Map(Map(node["readinessProbe"])["httpGet"])["path"]);
        Assert.Contains(((IList)node["env"]).Cast<object>().Select(Map), e => (string)e["name"] == "Cluster__ApplySchemaOnStart" && (string)e["value"] == "false");
        Assert.Equal(["resources", "setup"], ((IList)Containers(documents["Job"]).Single()["args"]).Cast<string>());
        Assert.Equal("1", Map(documents["PodDisruptionBudget"]["spec"])["minAvailable"]);
        // The playbooks and the dataset catalogue, each a ConfigMap every replica mounts where its setting points.
        Assert.Equal(["incident-orchestrator-catalogue", "incident-orchestrator-playbooks"],
            all.Where(d => (string)d["kind"] == "ConfigMap").Select(d => (string)Map(d["metadata"])["name"]).Order());
        Assert.Contains(((IList)node["env"]).Cast<object>().Select(Map), e => (string)e["name"] == "Catalogue__Path" && (string)e["value"] == "/app/catalogue");
        Assert.Contains("Auth__SigningKey", Map(documents["Secret"]["stringData"]).Keys);
    }

    [Fact]
    public void the_image_is_built_by_ops_publish_and_runs_as_a_non_root_user_on_8080()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        var runtime = dockerfile[dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..];
        Assert.Contains("RUN ops/publish /app", dockerfile[..dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)]);
        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:10.0", runtime);
        Assert.Contains("USER $APP_UID", runtime);
        Assert.Contains("EXPOSE 8080", runtime);
        Assert.Contains("HEALTHCHECK", runtime);
        Assert.DoesNotContain("sdk", runtime);
        var unit = File.ReadAllText(Path.Combine(Deploy, "incident-orchestrator.service"));
        Assert.Contains("Type=notify", unit);
    }

    /// <summary>Whether a variable (<c>A__B__C</c>) names something the service binds.</summary>
    private static bool Binds(string variable)
    {
        if (ConfigurationMap.PlatformPrefixes.Any(p => variable.StartsWith(p, StringComparison.Ordinal))) return true;
        var path = variable.Split("__");
        return ConfigurationMap.Sections.TryGetValue(path[0], out var type) && Resolves(type, path[1..]);
    }

    private static bool Resolves(Type type, string[] path)
    {
        if (path.Length == 0) return true;
        if (type == typeof(string) || type.IsPrimitive || type == typeof(TimeSpan) || type == typeof(DateTimeOffset) || Nullable.GetUnderlyingType(type) is not null)
            return false;
        if (type == typeof(object)) return true; // free-form (logging categories)
        if (Dictionary(type) is { } value) return Resolves(value, path[1..]);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
            return int.TryParse(path[0], out _) && Resolves(type.GetGenericArguments()[0], path[1..]);
        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is { CanWrite: true } && Resolves(property.PropertyType, path[1..]);
    }

    private static Type? Dictionary(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>)) return t.GetGenericArguments()[1];
        return null;
    }

    private static Dictionary<string, object> Yaml(string file) => YamlDocuments(file).Single();

    private static IEnumerable<Dictionary<string, object>> YamlDocuments(string file)
    {
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Deploy, file)));
        var parser = new MergingParser(new Parser(reader));
        var deserializer = new DeserializerBuilder().Build();
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        var documents = new List<Dictionary<string, object>>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
            documents.Add(Map(deserializer.Deserialize<object>(parser)!));
        return documents;
    }

    private static Dictionary<string, object> Map(object node) =>
        ((IDictionary<object, object>)node).ToDictionary(p => (string)p.Key, p => p.Value);

    private static IEnumerable<Dictionary<string, object>> Containers(Dictionary<string, object> document)
    {
        if (!document.TryGetValue("spec", out var spec) || !Map(spec).TryGetValue("template", out var template)) return [];
        return ((IList)Map(Map(template)["spec"])["containers"]).Cast<object>().Select(Map);
    }

    [GeneratedRegex("""GetSection\("([A-Za-z:]+)"\)""")]
    private static partial Regex SectionRead();
}
