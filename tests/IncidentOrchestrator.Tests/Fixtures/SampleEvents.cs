using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// One instance of every event type a stream can hold, filled through its constructor with awkward but valid values
/// (text with quotes, line breaks and non-ASCII letters; times with microseconds; nested records; lists and maps), so
/// that whatever depends on an event's stored form meets every shape there is.
/// </summary>
public static class SampleEvents
{
    public const string AwkwardText = "Ünïcode \"quoted\" \\ line\nbreak \t— ✓ 𝛑";

    public static IEnumerable<object> Every<TMarker>(Guid streamId, DateTimeOffset at) =>
        typeof(TMarker).Assembly.GetTypes()
            .Where(t => typeof(TMarker).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => Make(t, streamId, at, depth: 0)!);

    private static object? Make(Type type, Guid streamId, DateTimeOffset at, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Make(underlying, streamId, at, depth);
        if (type == typeof(string)) return AwkwardText;
        if (type == typeof(Guid)) return streamId;
        if (type == typeof(DateTimeOffset)) return at;
        if (type == typeof(DateTime)) return at.UtcDateTime;
        if (type == typeof(TimeSpan)) return TimeSpan.FromMinutes(90.5);
        if (type == typeof(bool)) return true;
        if (type == typeof(int)) return 7;
        if (type == typeof(long)) return 9_007_199_254_740_993L;
        if (type == typeof(double)) return 0.1 + 0.2;
        if (type == typeof(decimal)) return 12.345m;
        if (type.IsEnum) return Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1);
        if (type == typeof(JsonElement)) return JsonSerializer.SerializeToElement(new { text = AwkwardText, n = 1.5, list = new[] { 1, 2 } });
        if (type == typeof(object)) return AwkwardText;
        if (type.IsArray) return OneOf(type.GetElementType()!, streamId, at, depth);
        if (type.IsGenericType && Dictionary(type) is { } map)
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(map.Key, map.Value))!;
            dictionary[Make(map.Key, streamId, at, depth + 1)!] = Make(map.Value, streamId, at, depth + 1);
            return dictionary;
        }
        if (type.IsGenericType && Element(type) is { } element)
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            if (depth < 3) list.Add(Make(element, streamId, at, depth + 1));
            if (type.IsAssignableFrom(list.GetType())) return list;
            var set = Activator.CreateInstance(type.IsInterface ? typeof(HashSet<>).MakeGenericType(element) : type)!;
            foreach (var item in list) set.GetType().GetMethod("Add")!.Invoke(set, [item]);
            return set;
        }
        if (depth > 3) return null;
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is null) return type.IsValueType ? Activator.CreateInstance(type) : null;
        return constructor.Invoke(constructor.GetParameters().Select(p => Make(p.ParameterType, streamId, at, depth + 1)).ToArray());
    }

    private static Array OneOf(Type element, Guid streamId, DateTimeOffset at, int depth)
    {
        var array = Array.CreateInstance(element, 1);
        array.SetValue(Make(element, streamId, at, depth + 1), 0);
        return array;
    }

    private static (Type Key, Type Value)? Dictionary(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)
                                                            || i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            is { } d ? (d.GetGenericArguments()[0], d.GetGenericArguments()[1]) : null;

    private static Type? Element(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];
}
