using System.Security.Claims;
using IncidentOrchestrator.Catalogue;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Playbooks;
using IncidentOrchestrator.Playbooks.Catalogue;
using IncidentOrchestrator.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace IncidentOrchestrator.Access;

/// <summary>
/// <c>POST /api/catalogue/replay</c> <c>{text}</c>: a candidate version of one dataset's file, tried against the access already
/// granted and approved under the version in use: which live grants and which past approvals it would refuse (a purpose no
/// longer approved, a duration over its new limit, break-glass no longer allowed, other approvers), and which standing roles it
/// drops. Nothing changes, unless <c>openReview</c> asks to put those live grants and standing roles to the dataset's owner in an access
/// review (under the catalogue in use; the review revokes only what the owner rejects).
/// </summary>
public static class ReplayCatalogueEndpoint
{
    [WolverinePost("/api/catalogue/replay"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Post(ReplayCatalogue request, CatalogueFolder folder, IDocumentSession session, Wolverine.IMessageBus bus,
        DatasetAccess access, Reviews.AccessReviews reviews, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        (await ReplayAsync(request, folder, session, user.Caller(), ct, review => Reviews.OpenAccessReviewEndpoint.OpenAsync(review.Request, session, bus,
            folder, access, reviews, user.Caller(), clock, ct, Reviews.ReviewTriggers.Catalogue, review.Grantees))).ToHttp(TypedResults.Ok);

    /// <param name="openReview">How a review of the refused grants is opened, for a door that can (the replay itself only reads).</param>
    public static async Task<Outcome<CatalogueReplayed>> ReplayAsync(ReplayCatalogue request, CatalogueFolder folder, IQuerySession session, Caller caller,
        CancellationToken ct, Func<(OpenAccessReview Request, IReadOnlyCollection<string> Grantees), Task<Outcome<AccessReviewAccepted>>>? openReview = null)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
            return Refusal.Invalid(new Problems.Validation().Add("text", "The candidate dataset file's YAML.").ToProblem("The replay request is not valid"));
        var errors = new ErrorSink("candidate.yaml");
        if (DatasetParser.Parse("candidate.yaml", request.Text, errors) is not { } candidate || errors.HasErrors)
            return Refusal.UnprocessableText(errors.Errors);
        var current = folder.Catalogue.Find(candidate.Name);
        if (!DatasetGrantsRead.MaySeeAny(caller, current))
            return Refusal.Forbidden("Not for you to try", $"A tightened {candidate.Name} is tried by its owner and stewards, privacy and administrators.");

        var requests = await session.Query<AccessRequest>().Where(r => r.Dataset == candidate.Name).ToListAsync(ct);
        var refused = requests.Select(r => (Request: r, Why: WhyRefused(candidate, r))).Where(x => x.Why.Count > 0).ToList();
        CatalogueReplayedRequest View((AccessRequest Request, List<string> Why) x) =>
            new(x.Request.Id, x.Request.Grantee, x.Request.Status, x.Request.Purpose, x.Request.Duration, x.Request.BreakGlass, x.Request.EndsAt, x.Why);
        var replayed = new CatalogueReplayed(candidate.Name, candidate.Hash, current?.Hash,
            refused.Where(x => x.Request.HoldsAGrant || x.Request.Status == AccessStatuses.Pending).Select(View).ToList(),
            refused.Where(x => !x.Request.HoldsAGrant && x.Request.Status != AccessStatuses.Pending && x.Request.GrantedAt is not null).Select(View).ToList(),
            (current?.Standing ?? []).Except(candidate.Standing, StringComparer.Ordinal).ToList());
        if (request.OpenReview != true) return replayed;
        if (openReview is null || current is null)
            return Refusal.Conflict("No review can be opened here", $"{candidate.Name} is not in the catalogue in use, or this door only reads.");
        var grantees = refused.Where(x => x.Request.HoldsAGrant).Select(x => x.Request.Grantee).Concat(replayed.StandingDropped)
            .ToHashSet(StringComparer.Ordinal);
        if (grantees.Count == 0) return replayed;
        var opened = await openReview((new OpenAccessReview(candidate.Name), grantees));
        return opened.Refused is { } refusedReview ? refusedReview : replayed with { ReviewId = opened.Value!.ReviewId };
    }

    /// <summary>What the candidate would refuse of a request: the catalogue's own rules for asking, and its approvers (not for break-glass).</summary>
    private static List<string> WhyRefused(Dataset candidate, AccessRequest request)
    {
        var why = CatalogueAllows.Refusals(candidate, request.Purpose, request.Duration, request.BreakGlass).Select(r => r.Why).ToList();
        if (!request.BreakGlass && CatalogueAllows.ApproversRefuse(candidate, request.Approvers, request.Quorum) is { } approvers) why.Add(approvers);
        return why;
    }
}
