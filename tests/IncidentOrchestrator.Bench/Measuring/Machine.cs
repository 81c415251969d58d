namespace IncidentOrchestrator.Bench.Measuring;

/// <summary>What the kernel says about a process: CPU time (from <c>/proc/PID/stat</c>) and peak resident memory.</summary>
public static class Machine
{
    private const double MillisecondsPerTick = 10; // USER_HZ is 100 on Linux

    /// <summary>
    /// User plus system CPU of <paramref name="pid"/> so far, in milliseconds (0 once it has gone); with <paramref name="reaped"/>,
    /// also that of the children it has waited for, which have ended.
    /// </summary>
    public static double CpuMs(int pid, bool reaped = false)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: the fields are counted after its closing one
            // (utime, stime, cutime and cstime are fields 14 to 17 of proc(5)).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]) + (reaped ? long.Parse(fields[13]) + long.Parse(fields[14]) : 0);
            return ticks * MillisecondsPerTick;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The CPU of a PostgreSQL server so far: its postmaster, every backend and worker it runs, and those that have ended
    /// (the postmaster reaps them, so their CPU is counted as its children's and is not lost when one exits mid-phase).
    /// </summary>
    public static double PostgresCpuMs(int postmaster) =>
        CpuMs(postmaster, reaped: true) + Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d))
            .Where(name => int.TryParse(name, out _)).Select(int.Parse).Where(pid => ParentOf(pid) == postmaster).Sum(pid => CpuMs(pid));

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
