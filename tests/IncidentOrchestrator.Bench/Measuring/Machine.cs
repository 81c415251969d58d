namespace IncidentOrchestrator.Bench.Measuring;

/// <summary>What the kernel says about a process: CPU time (from <c>/proc/PID/stat</c>) and peak resident memory.</summary>
public static class Machine
{
    private const double MillisecondsPerTick = 10; // USER_HZ is 100 on Linux

    /// <summary>User plus system CPU of <paramref name="pid"/> so far, in milliseconds (0 once it has gone).</summary>
    public static double CpuMs(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: the fields are counted after its closing one.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) * MillisecondsPerTick;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The CPU of a PostgreSQL server so far: its postmaster and every backend and worker it started.</summary>
    public static double PostgresCpuMs(int postmaster) =>
        CpuMs(postmaster) + Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d))
            .Where(name => int.TryParse(name, out _)).Select(int.Parse).Where(pid => ParentOf(pid) == postmaster).Sum(CpuMs);

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>The peak resident set of <paramref name="pid"/> since it started or since <see cref="ResetPeak"/>, in MiB.</summary>
    public static double PeakRssMiB(int pid) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:"))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0).Single();

    /// <summary>Starts the peak resident set afresh, so the next reading is of what follows.</summary>
    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");
}
