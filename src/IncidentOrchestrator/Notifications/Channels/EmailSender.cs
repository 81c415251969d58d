using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace IncidentOrchestrator.Notifications;

/// <summary>Email over SMTP (MailKit): a plain-text and an HTML part, and a Message-Id that stays the same on every retry.</summary>
public sealed class EmailSender(NotificationOptions options)
{
    public async Task SendAsync(IReadOnlyList<string> to, string subject, string text, string html, Guid deliveryId, CancellationToken ct)
    {
        var smtp = options.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host)) throw new InvalidOperationException("An email channel needs Notifications__Smtp__Host.");
        var message = new MimeMessage { Subject = subject, MessageId = $"{deliveryId:N}@incident-orchestrator" };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var address in to) message.To.Add(MailboxAddress.Parse(address));
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();

        try
        {
            await SendAsync(message, smtp, ct);
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or MailKit.ServiceNotConnectedException or IOException
                                      or System.Net.Sockets.SocketException)
        {
            throw new ChannelUnavailableException($"SMTP {smtp.Host}:{smtp.Port}: {e.Message}", e);
        }
    }

    private static async Task SendAsync(MimeMessage message, SmtpOptions smtp, CancellationToken ct)
    {
        using var client = new SmtpClient();
        var security = smtp.Security.ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        await client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
        if (!string.IsNullOrEmpty(smtp.Username)) await client.AuthenticateAsync(new NetworkCredential(smtp.Username, smtp.Password), ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

/// <summary>A channel could not take a delivery now (its server refused or was unreachable); the delivery is retried later.</summary>
public sealed class ChannelUnavailableException(string message, Exception inner) : Exception(message, inner);
