using System.Text.Json.Nodes;
using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Tests.Schema;

/// <summary>YAML as an editor's schema validator sees it: plain true/false/null/numbers typed, everything else text.</summary>
internal static class YamlAsJson
{
    public static JsonNode? Convert(YNode node) => node switch
    {
        YScalar s when s.IsNull => null,
        YScalar s when s.AsBool is { } b => JsonValue.Create(b),
        YScalar s when s.AsInteger is { } i => JsonValue.Create(i),
        YScalar s when s.AsNumber is { } d => JsonValue.Create(d),
        YScalar s => JsonValue.Create(s.Value),
        YSequence seq => new JsonArray(seq.Items.Select(Convert).ToArray()),
        YMapping map => new JsonObject(map.Entries.Select(e => KeyValuePair.Create(e.Key.Value, Convert(e.Value)))),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };
}
