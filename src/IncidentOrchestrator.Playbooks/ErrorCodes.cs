namespace IncidentOrchestrator.Playbooks;

/// <summary>Stable error codes; docs/playbook-errors.md explains each one.</summary>
public static class ErrorCodes
{
    // The file and its YAML
    public const string FileTooLarge = "PB001";
    public const string YamlSyntax = "PB002";
    public const string NodeBudget = "PB003";
    public const string TooDeep = "PB004";
    public const string ScalarTooLong = "PB005";
    public const string NotOneDocument = "PB006";

    // Shape
    public const string UnknownKey = "PB010";
    public const string Missing = "PB011";
    public const string WrongType = "PB012";
    public const string NotAllowed = "PB013";
    public const string DuplicateKey = "PB014";
    public const string ApiVersion = "PB015";
    public const string Kind = "PB016";
    public const string BadName = "PB017";
    public const string BadDuration = "PB018";
    public const string NoSteps = "PB019";
    public const string StepKindMissing = "PB020";
    public const string StepKindMany = "PB021";

    // The step graph
    public const string DuplicateStepId = "PB022";
    public const string UnknownNeed = "PB023";
    public const string Cycle = "PB024";
    public const string DuplicateNeed = "PB025";

    // Expressions and templates
    public const string ExpressionSyntax = "PB030";
    public const string UnknownPath = "PB031";
    public const string StepNotBefore = "PB032";
    public const string UnknownOutput = "PB033";

    // Actions
    public const string UnknownAction = "PB040";
    public const string MissingParameter = "PB041";
    public const string UnknownParameter = "PB042";
    public const string ParameterChoice = "PB043";
    public const string CompensateNotAction = "PB044";
    public const string ApprovalFirst = "PB045";

    // Playbooks as a set
    public const string UnknownPlaybook = "PB050";
    public const string RecursivePlaybook = "PB051";
    public const string DuplicatePlaybook = "PB052";
    public const string SubPlaybookInputs = "PB053";
    public const string WrongSubject = "PB054";

    // People and values
    public const string BadQuorum = "PB060";
    public const string BadPrincipal = "PB061";
    public const string DefaultType = "PB062";
    public const string BadInputType = "PB063";
    public const string BadAttempts = "PB064";
    public const string RequiredWithDefault = "PB065";
    public const string DuplicateOutput = "PB066";

    // The dataset catalogue
    public const string BadPurpose = "CT001";
    public const string GrantTooLong = "CT002";
    public const string BadObject = "CT003";
    public const string DuplicateDataset = "CT004";
    public const string DuplicateObject = "CT005";
    public const string ReviewTooOften = "CT006";
}
