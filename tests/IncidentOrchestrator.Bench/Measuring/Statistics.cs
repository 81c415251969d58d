namespace IncidentOrchestrator.Bench.Measuring;

public static class Statistics
{
    /// <summary>The nearest-rank percentile <paramref name="p"/> (0..1) of <paramref name="values"/>, rounded to a hundredth.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 2);
    }
}
