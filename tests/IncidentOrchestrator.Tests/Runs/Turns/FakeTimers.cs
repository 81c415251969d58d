using Microsoft.Extensions.Time.Testing;

namespace IncidentOrchestrator.Tests.Runs.Turns;

/// <summary>
/// The messages a handler scheduled (Wolverine's <c>Delay</c>), released by a fake clock when their time comes: a test moves
/// the clock and each message reaches its receiver at its due time, in order, never before.
/// </summary>
internal sealed class FakeTimers(FakeTimeProvider clock)
{
    private readonly List<(DateTimeOffset Due, object Message)> _scheduled = [];

    public IReadOnlyList<(DateTimeOffset Due, object Message)> Scheduled => _scheduled;

    /// <summary>Keeps <paramref name="item"/> for later when it is a delayed message (true), else leaves it to be sent now.</summary>
    public bool TryHold(object item)
    {
        // Wolverine's Delay wraps the message with its delivery options.
        if (item.GetType() is not { IsGenericType: true } wrapper || wrapper.GetProperty("Message")?.GetValue(item) is not { } inner
            || wrapper.GetProperty("Options")?.GetValue(item) is not Wolverine.DeliveryOptions { ScheduleDelay: { } delay }) return false;
        _scheduled.Add((clock.GetUtcNow() + delay, inner));
        return true;
    }

    /// <summary>Moves the clock on by <paramref name="time"/>, handing each message that comes due to <paramref name="receive"/> at its time.</summary>
    public async Task WaitAsync(TimeSpan time, Func<object, Task> receive)
    {
        var until = clock.GetUtcNow() + (time > TimeSpan.Zero ? time : TimeSpan.Zero);
        while (_scheduled.OrderBy(s => s.Due).FirstOrDefault(s => s.Due <= until) is { Message: not null } due)
            await ReleaseAsync(due, receive);
        clock.SetUtcNow(until);
    }

    /// <summary>The clock moves to the first scheduled message that matches, and hands that one over alone.</summary>
    public Task ReleaseAsync(Func<object, bool> which, Func<object, Task> receive) =>
        ReleaseAsync(_scheduled.Single(s => which(s.Message)), receive);

    private async Task ReleaseAsync((DateTimeOffset Due, object Message) due, Func<object, Task> receive)
    {
        _scheduled.Remove(due);
        if (due.Due > clock.GetUtcNow()) clock.SetUtcNow(due.Due);
        await receive(due.Message);
    }
}
