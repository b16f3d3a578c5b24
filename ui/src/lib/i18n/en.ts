/** English: the source catalog. Every other language has this one's type (`Catalog`), so
 *  `npm run check` names a key a translation lacks or has in excess. Keys are grouped by screen;
 *  a string with arguments is a function; counted words go through `plural` (CLDR categories). */
import { formatNumber, plural } from "./format";
import type { ErrorArgs } from "../bindings";

const n = (value: number) => formatNumber("en", value);

/** A setup link's or account's fault, by the `field` and `problem` Rust sends; Rust's own
 *  sentence when they are not known here. */
function setupProblem(error: { message: string; args?: ErrorArgs }): string {
  const { field, problem, name } = error.args ?? {};
  if (problem === "encoding") return `${field}: not valid percent-encoded UTF-8.`;
  if (field === "type" && problem === "unsupported" && name) return `${name} is not supported.`;
  const known: Record<string, string> = {
    "uri.not_otpauth": "This is not an otpauth:// setup link.",
    "uri.too_long": "The setup link is too long.",
    "type.unsupported": "Unknown code type (expected totp, hotp or steam).",
    "secret.missing": "The secret is missing.",
    "secret.not_base32": "The secret has a character that is not base32 (A–Z, 2–7).",
    "secret.too_short": "The secret is too short.",
    "secret.too_long": "The secret is too long.",
    "secret.invalid": "The secret is not valid.",
    "secret.unreadable": "The secret cannot be read: it is not in the form this kind of file uses.",
    "secret.damaged": "The secret does not decrypt, though the password opens the rest of the file: the file was changed.",
    "algorithm.unsupported": "Choose SHA1, SHA256 or SHA512.",
    "algorithm.steam": "Steam codes use SHA1.",
    "digits.out_of_range": `Digits must be a number from ${n(1)} to ${n(10)}.`,
    "digits.steam": `Steam codes have ${n(5)} characters.`,
    "digits.unsupported": "Unsupported number of digits.",
    "period.out_of_range": `The period must be from ${n(1)} to ${n(86400)} seconds.`,
    "counter.out_of_range": "The counter must be a whole number, 0 or more.",
    "name.missing": "Give the account an issuer or a name, so you can tell it apart.",
    "entry.unreadable": "This entry cannot be read: a part of it is missing or has the wrong form.",
  };
  return known[`${field}.${problem}`] ?? error.message;
}

/** The values of a registration-test line (see `securityKeys.checks`), as Rust sends them. */
export type CheckArgs = { [name: string]: string | undefined };

/** A number Rust sent as text, written for English. */
const num = (value: string | undefined) => n(Number(value ?? 0));

/** The kinds of attestation, by the code Rust sends. */
const attestationTypes: Record<string, string> = {
  basic: "basic (full) attestation",
  att_ca: "attestation CA",
  anon_ca: "anonymisation CA",
  self: "self attestation (signed with the credential's own key)",
  none: "no attestation",
  other: "an attestation type that proves nothing",
};
const attestationType = (code?: string) => attestationTypes[code ?? ""] ?? code ?? "";

/** What a security key may lack, by the code Rust sends. */
const features: Record<string, string> = {
  algorithm: "the requested algorithm",
  command_or_option: "this command or option",
  no_algorithm: "a credential without an algorithm",
  passkey_management: "passkey management",
  fingerprints: "fingerprints",
  hmac_secret: "hmac-secret",
  pin: "a PIN",
  always_uv: "always requiring verification",
  config: "authenticatorConfig",
};

/** Why the system keyring cannot be used, by the cause Rust sends. */
const keyringCauses: Record<string, string> = {
  no_session: "no keyring service could start (no D-Bus session)",
  no_service: "no keyring program (such as GNOME Keyring or KWallet) runs in this session",
  no_keyring: "the keyring program holds no keyring to store in yet",
  locked: "the keyring is locked and its unlock prompt was dismissed or could not be shown",
  refused: "the keyring refused access",
  timeout: "the keyring did not answer in time (is an unlock prompt waiting?)",
  platform: "the keyring reported an error",
};

/** What the OS answered about a file (`osError`), as " (…)" after a sentence; "" when unknown. */
function osReason(code: string | undefined): string {
  const reason = (
    {
      not_found: "it does not exist",
      permission_denied: "permission denied",
      already_exists: "it already exists",
      storage_full: "the disk is full",
      read_only: "the file system is read-only",
    } as Record<string, string>
  )[code ?? ""];
  return reason ? ` (${reason})` : "";
}

export const en = {
  /** The language's own name, as the Settings menu lists it. */
  languageName: "English",
  common: {
    cancel: "Cancel",
    close: "Close",
    continue: "Continue",
    save: "Save",
    saved: "Saved.",
    remove: "Remove",
    keepIt: "Keep it",
    dismiss: "Dismiss",
    undo: "Undo",
    tryAgain: "Try again",
    password: "Password",
    copied: "Copied",
    unnamedAccount: "Unnamed account",
  },
  app: {
    opening: "Opening your vault…",
    createFirst: "Open Countersign to create your vault first.",
    unlockingKeyring: "Unlocking with the system keyring…",
    keyringFailed: (message: string) => `The keyring could not unlock: ${message}`,
    rekeyed: "The password was changed on another computer. Unlock with the new one.",
  },
  nav: {
    sections: "Sections",
    codes: "Codes",
    transfer: "Import and export",
    keys: "Security keys",
    settings: "Settings",
    lock: "Lock",
    lockTitle: "Lock (Ctrl+L)",
  },
  password: {
    choose: "Choose a password.",
    tooShort: (min: number) => `Use at least ${n(min)} characters.`,
    different: "The two passwords are not the same.",
  },
  onboarding: {
    welcome: "Welcome to Countersign",
    lead: "Your two-factor accounts will be kept in an encrypted vault on this computer. Choose a password for it.",
    repeat: "Repeat the password",
    hint: "You will need it to unlock when the keyring cannot, and before secrets are shown or exported.",
    useKeyring: "Unlock automatically with the system keyring",
    keyringMissing: "The system keyring is not available",
    keyringMissingRest: ", so you will type your password to unlock.",
    creating: "Creating your vault…",
    create: "Create vault",
    existingHint: "Using Countersign on another computer, or keeping a vault in a synced folder?",
    existing: "I already have a vault",
  },
  unlock: {
    title: "Countersign is locked",
    recoveryKey: "Recovery key",
    typeRecovery: "Type your recovery key.",
    typePassword: "Type your password.",
    wait: (seconds: number) => `Too many attempts. You can try again in ${n(seconds)} s.`,
    unlocking: "Unlocking…",
    unlock: "Unlock",
    withKeyring: "Unlock with the system keyring",
    usePassword: "Use my password instead",
    forgot: "I forgot my password",
  },
  recovery: {
    title: "Save your recovery key",
    lead: "If you forget your password and the keyring cannot unlock, this key is the only way back in. It is shown only now: write it down or print it, and keep it somewhere safe.",
    qr: "QR code of the recovery key",
    copy: "Copy recovery key",
    copied: "Copied. It will be cleared from the clipboard shortly.",
    saved: "I have saved my recovery key",
  },
  vaultError: {
    titles: {
      corrupt: "Your vault file is damaged",
      unsupported_version: "This vault was made by a newer Countersign",
      kdf_too_expensive: "This vault asks for unsafe password settings",
      in_use: "Countersign is already running",
      io: "The vault cannot be read",
    },
    other: "The vault cannot be opened",
    file: "Vault file:",
    backupsBefore: "Countersign has not changed the file. The last ten saved versions are kept, encrypted, in the",
    backupsMiddle: "folder next to it: close Countersign and copy the newest one over",
    backupsAfter: ", or restore the file from your own backup.",
  },
  codes: {
    emptyTitle: "Add your first account",
    emptyLead: "On the site you are protecting, choose to set up an authenticator app. Copy the setup link it offers and paste it here, or use one of the other ways to add an account.",
    moreWays: "More ways to add",
    search: "Search",
    searchLabel: "Search accounts",
    countdown: (seconds: number) =>
      plural("en", seconds, { one: "Codes change in 1 second", other: `Codes change in ${n(seconds)} seconds` }),
    addAccount: "Add account",
    add: "Add",
    filterGroup: "Filter by group",
    all: "All",
    noMatch: (query: string) => `No account matches “${query}”.`,
    cannotMove: "Clear the search and choose manual order to move accounts.",
    copiedFor: (name: string) => `Copied the code for ${name}.`,
    typedFor: (name: string) => `Typed the code for ${name}.`,
    removed: (name: string) => `Removed ${name}.`,
    restored: "Account restored.",
    removeTitle: "Remove account?",
    removeBefore: "Remove ",
    removeAfter: "?",
    removeWarning: "Make sure two-factor login is turned off for it first, or you may lose access to the site.",
  },
  row: {
    generate: "Generate code",
    next: (code: string) => `, next ${code}`,
    nextShort: "next",
    expiring: ", expires in under 5 seconds",
    pressToCopy: ". Press to copy",
    digits: (spaced: string) => `Digits ${spaced}`,
    validFor: (seconds: number) =>
      plural("en", seconds, { one: ". Valid for 1 more second", other: `. Valid for ${n(seconds)} more seconds` }),
    nextCodeFor: (title: string) => `Next code for ${title}`,
    nextCode: "Next code",
    typeFor: (title: string) => `Type the code for ${title} into the window you came from`,
    typeTitle: "Type into the window you came from",
    favourite: (title: string) => `Favourite: ${title}`,
    unpin: "Unpin",
    pin: "Pin to top",
    edit: (title: string) => `Edit ${title}`,
    editTitle: "Edit (F2)",
    accounts: "Accounts",
  },
  clock: {
    drift: (offset: number) => `${n(Math.abs(offset))} s ${offset > 0 ? "slow" : "fast"}`,
    corrected: (drift: string) => `Codes are corrected for a clock ${drift}.`,
    banner: (drift: string) => `Your clock is ${drift}: sites may reject these codes`,
    correct: "Correct codes for it",
    checkFailed: (error: string) => `The last check failed: ${error}.`,
    right: (tolerance: number) => `Your clock is right (within ${n(tolerance)} s of the server).`,
    off: (drift: string) => `Your clock is ${drift}.`,
  },
  added: {
    accounts: (count: number) => plural("en", count, { one: "1 account added", other: `${n(count)} accounts added` }),
    duplicates: (count: number) =>
      plural("en", count, { one: "1 was already in your vault", other: `${n(count)} were already in your vault` }),
    join: "; ",
    batch: (index: number, count: number, message: string) => `Batch ${n(index)} of ${n(count)} scanned: ${message}`,
    scanNext: " Scan the next code of the export.",
  },
  add: {
    title: "Add account",
    ways: "Ways to add an account",
    screen: "Screen",
    image: "Image",
    camera: "Camera",
    clipboard: "Clipboard",
    link: "Link",
    key: "Setup key",
    scanNext: "Scan the next code",
    chooseNext: "Choose the next image",
    back: "Back",
    scanAnother: "Scan another",
    done: "Done",
    screenLead: "Show the QR code on your screen, then scan it. Every monitor is checked, and the picture is never saved.",
    scanning: "Scanning…",
    scanScreen: "Scan screen",
    dropLead: "Drop an image of the QR code onto this window, or choose one.",
    dropHint: "PNG, JPEG, WebP, GIF or BMP. The file is only read, never changed.",
    reading: "Reading…",
    chooseImage: "Choose image…",
    clipboardLead: "Copy a screenshot of the QR code (with your system's screenshot tool) or copy its setup link, then read it from the clipboard.",
    readClipboard: "Read clipboard",
    nothingScreen: "No QR code was found on your screen. Make sure the whole code is visible and not covered by another window, then scan again.",
    nothingFile: "No QR code was found in that image.",
    nothingClipboard: "The image on the clipboard holds no QR code.",
    nothingCamera: "The camera found no QR code.",
    nothing: "No QR code was found.",
    exportScanned: "Google Authenticator export scanned",
    batchScanned: (batch: number, size: number) => `Batch ${n(batch)} of ${n(size)} scanned`,
    batchDuplicates: (count: number) =>
      plural("en", count, {
        one: "1 account was already in your vault and not added again",
        other: `${n(count)} accounts were already in your vault and not added again`,
      }),
    batchSkipped: (count: number, reasons: string) =>
      plural("en", count, {
        one: ` One account could not be used: ${reasons}.`,
        other: ` ${n(count)} accounts could not be used: ${reasons}.`,
      }),
    batchAllIn: " Every batch of the export is in.",
    batchMissing: (missing: number[]) =>
      ` Now scan ${missing.length === 1 ? "batch" : "batches"} ${new Intl.ListFormat("en-GB").format(missing.map(n))}.`,
    // From AddFromText.svelte.
    linkLabel: "Setup link",
    linkEmpty: "Paste an otpauth:// link first.",
    linkHint: "The link behind a two-factor QR code. Google Authenticator exports work too.",
    addAccount: "Add account",
  },
  setupKey: {
    lead: 'Type the setup key the site shows next to its QR code (often behind "Can\'t scan it?").',
    issuer: "Issuer",
    issuerPlaceholder: "Example",
    account: "Account",
    secret: "Secret",
    secretHint: "Letters A–Z and digits 2–7. Spaces, dashes and lower case are fine.",
    more: "More options",
    type: "Type",
    totp: "Time-based (TOTP)",
    hotp: "Counter-based (HOTP)",
    steam: "Steam Guard",
    algorithm: "Algorithm",
    steamAlgorithm: "SHA1 (Steam's)",
    digits: "Digits",
    steamDigits: "5 characters (Steam's)",
    counter: "Counter",
    period: "Period",
    seconds: "seconds",
    checking: "Checking…",
    showCode: "Show code",
    notBase32: (character: string, position: number) =>
      `The secret has a character that is not base32: '${character}' at position ${n(position)}.`,
    empty: "The secret is empty.",
    tooShort: "The secret has 1 base32 character, too few for one byte.",
  },
  camera: {
    looking: "Looking for cameras…",
    none: "No camera was found.",
    noneBecause: (error: string) => `No camera was found: ${error}`,
    noneHint: "Connect a webcam and open this tab again, or add the account another way:",
    scanScreen: "Scan screen",
    imageFile: "Image file",
    camera: "Camera",
    preview: "Camera preview",
    starting: (name: string) => `Starting ${name}…`,
    theCamera: "the camera",
    holdUp: "Hold the QR code up to the camera. It turns off as soon as the code is read.",
    lookingForCode: "Looking for a QR code…",
    stop: "Stop camera",
    start: "Start camera",
  },
  confirm: {
    title: "Add this account?",
    position: (index: number, count: number) => `${n(index)} of ${n(count)}`,
    timeBased: (period: number) => `Time-based, every ${n(period)} s`,
    digits: (digits: number) => `${n(digits)} digits`,
    onRequest: "Codes are made when you ask for one.",
    current: (spaced: string, left: number | null) =>
      `Current code ${spaced}` + (left === null ? "" : plural("en", left, { one: ", 1 second left", other: `, ${n(left)} seconds left` })),
    check: "Check that this code matches the one the site expects, if it shows one.",
    weak: (bits: number) =>
      `This site's secret is short (${n(bits)} bits): codes still work, but the site uses weaker protection than usual.`,
    skip: "Skip",
  },
  edit: {
    title: "Edit account",
    qr: "QR code of this account",
    secret: "Secret",
    revealHint: "Scan the code with another authenticator, or type the secret into it.",
    hide: "Hide",
    showSecret: "Show secret",
    group: "Group",
    none: "None",
    icon: "Icon",
    automatic: "Automatic (from the issuer)",
    letters: "Letters",
    note: "Note",
    pin: "Pin to the top",
    codeSettings: "Code settings",
    warning: "Change these only if the site's codes differ from Countersign's: wrong values make every code wrong.",
    period: "Period (s)",
    offset: "Clock offset (s)",
    willChange: "The codes will change after saving.",
  },
  backupCodes: {
    title: "Backup codes",
    intro: "One-time codes the site gave you for when this authenticator is not at hand. Each works once.",
    none: "No backup codes saved for this account.",
    allUsed: (total: number) => `All ${n(total)} backup codes are used.`,
    left: (left: number, total: number) => `${n(left)} of ${n(total)} left`,
    lowNone: "No backup code is left: get new codes from the site and add them here.",
    low: (left: number) =>
      plural("en", left, { one: "Only 1 backup code is left", other: `Only ${n(left)} backup codes are left` }) +
      ": get new codes from the site and add them here.",
    copy: "Copy a code",
    copied: "Copied, and marked used.",
    showAll: "Show all…",
    showCodes: "Show codes",
    allLabel: "All backup codes",
    usedAt: (when: string) => `used ${when}`,
    removeList: "Remove list",
    removeCount: (total: number) => plural("en", total, { one: "Remove 1 code", other: `Remove ${n(total)} codes` }),
    keep: "Keep",
    removed: "The list is removed.",
    usedLabel: "Used codes",
    usedItem: (number: number, when: string) => `Code ${n(number)}, used ${when}`,
    undo: "Undo",
    undoLabel: (number: number) => `Undo: mark code ${n(number)} unused`,
    unusedAgain: (number: number) => `Code ${n(number)} is unused again.`,
    add: "Add codes",
    placeholder: "Paste the codes as the site shows them",
    pasteHint: "One per line, or as the site lists them; numbers and headings are left out.",
    found: (count: number) => plural("en", count, { one: "1 code found", other: `${n(count)} codes found` }),
    repeated: (count: number) => ` (${n(count)} repeated, left out)`,
    added: (count: number) => plural("en", count, { one: "1 code added.", other: `${n(count)} codes added.` }),
    back: "Back",
  },
  quick: {
    title: "Quick search",
    placeholder: "Type to find an account",
    find: "Find an account",
    noMatch: "No account matches.",
    keys: "Enter types · Shift+Enter copies · Esc closes",
  },
  transfer: {
    title: "Transfer",
    showCodes: "Show codes",
    import: "Import",
    importHint: "From a Countersign backup; Aegis, 2FAS, andOTP, Authenticator Plus, Authy, Bitwarden, Duo, Ente Auth, FreeOTP, FreeOTP+, LastPass, Proton Authenticator, Raivo OTP, Steam, Stratum, TOTP Authenticator, WinAuth or Google Authenticator exports; Google or Microsoft Authenticator and Battle.net app data; or a list of otpauth:// links. You see every account before anything is added.",
    readingFile: "Reading the file…",
    chooseFile: "Choose a file…",
    export: "Export",
    exportHint: "Take your accounts anywhere. Every export asks for your vault password first.",
    backupTitle: "Countersign backup",
    backupHint: "Encrypted, with everything: notes, groups, icons.",
    exportBackup: "Export backup…",
    aegisTitle: "Aegis vault",
    aegisHint: "Encrypted, for Aegis Authenticator on Android.",
    exportAegis: "Export for Aegis…",
    urisTitle: "otpauth:// list",
    urisHint: "Not encrypted: for apps that read nothing else.",
    exportList: "Export list…",
    qrTitle: "QR codes",
    qrHint: "Scan them with your phone, one code at a time.",
    showQr: "Show QR codes…",
    exportTitles: {
      countersign: "Export a Countersign backup",
      aegis: "Export for Aegis",
      uris: "Export an otpauth:// list",
    },
    openFile: (name: string) => `Open ${name}`,
    encryptedFile: (format: string) => `This ${format} file is encrypted. Enter the password it was exported with.`,
    filePassword: "File password",
    open: "Open",
    importAccounts: "Import accounts",
    exported: (count: number, path: string) =>
      plural("en", count, { one: `Exported 1 account to ${path}.`, other: `Exported ${n(count)} accounts to ${path}.` }),
    showAsQr: "Show as QR codes",
    descriptions: {
      countersign: "Every account with its notes, groups and icons, encrypted under a password of its own. Import it in Countersign on any computer.",
      aegis: "An encrypted Aegis vault, under a password of its own: import it in Aegis Authenticator on Android.",
      uris: "One otpauth:// link per account, which nearly every authenticator app can import.",
    },
    notProtected: "This file is not protected.",
    notProtectedRest: "It holds every secret in plain text: anyone who can read it can make your codes. Import it right away, then delete it.",
    understood: "I understand, export without encryption",
    passwordForFile: "Password for the file",
    filePasswordHint: "You will need it to import the file. Countersign cannot recover it.",
    repeatFilePassword: "Repeat the file password",
    filePasswordProblem: (problem: string) => `File password: ${problem}`,
    exporting: "Exporting…",
    chooseWhere: "Choose where to save…",
    selectAll: "Select all",
    selectNone: "Select none",
    accountsIn: (name: string) => `Accounts in ${name}`,
    statusNew: "New",
    statusDuplicate: "Already there",
    statusInvalid: "Cannot import",
    importing: "Importing…",
    importCount: (count: number) => plural("en", count, { one: "Import 1 account", other: `Import ${n(count)} accounts` }),
    summaryNew: (count: number) => `${n(count)} new`,
    summaryDuplicate: (count: number) => `${n(count)} already in your vault`,
    summaryInvalid: (count: number) => `${n(count)} cannot be imported`,
    noAccounts: "No accounts",
    imported: (count: number) => plural("en", count, { one: "Imported 1 account.", other: `Imported ${n(count)} accounts.` }),
    skipped: (count: number) =>
      plural("en", count, {
        one: " 1 account already in your vault was skipped.",
        other: ` ${n(count)} accounts already in your vault were skipped.`,
      }),
    qrViewer: "QR codes to scan",
    migrationHint: "In Google Authenticator (or an app that reads its exports), choose Transfer accounts › Import, then scan each code.",
    accountHint: "In your phone's authenticator app, add an account by QR code, once per code.",
    qrOf: (label: string) => `QR code: ${label}`,
    previous: "Previous",
    next: "Next",
    leftOut: "Not in these codes (show one code per account for them):",
    layout: "Layout",
    migration: "Google Authenticator transfer",
    migrationChoiceHint: "Up to 10 accounts per code, fewest codes to scan.",
    perAccount: "One code per account",
    perAccountHint: "Any authenticator app reads them.",
    secretsWarning: "These codes hold your secrets: show them only where nobody else can see the screen.",
    showQrCodes: "Show QR codes",
  },
  keys: {
    title: "Security keys",
    refreshLabel: "Refresh the list of keys",
    refresh: "Refresh",
    noneTitle: "No security key found",
    noneLead: "Plug in a FIDO2 security key, such as a YubiKey, Nitrokey, SoloKey or Google Titan key. It appears here within a couple of seconds: see what it is, set its PIN, manage its passkeys and test it.",
    noneLinux: "On Linux, a key that appears but cannot be opened needs permission to read its device: Countersign explains the udev rule that grants it when that happens.",
    choose: "Choose a key",
    looking: "Looking for security keys…",
    // KeyDetails.svelte: actions also name what the key is waiting for ("…: touch the key").
    identify: "Identify",
    identifyTitle: "Make the key blink, to tell which one it is",
    blinking: "The key is blinking.",
    setPin: "Set PIN",
    changePin: "Change PIN",
    pinSet: "The PIN is set.",
    pinChanged: "The PIN was changed.",
    seePasskeys: "See the passkeys on this key",
    deletePasskey: "Delete a passkey",
    passkeyDeleted: "The passkey was deleted.",
    alwaysUvOn: "Always require verification",
    alwaysUvOff: "Stop always requiring verification",
    alwaysUvDone: "The key now always asks for the PIN or a fingerprint.",
    alwaysUvUndone: "The key asks for verification only when a site does.",
    seePrints: "See the fingerprints on this key",
    renamePrint: "Rename fingerprint",
    removePrint: "Remove fingerprint",
    printRemoved: "The fingerprint was removed.",
    addPrint: "Add a fingerprint",
    printAdded: "The fingerprint was added.",
    test: "Test this key",
    reportCopied: "Report copied.",
    resetAction: "Reset",
    accessDenied: "Countersign may not open this key",
    noAnswer: "This key did not answer",
    reading: "Reading the key…",
    about: "About this key",
    pin: "PIN",
    pinLead: "The PIN protects the key if it is lost: sites that ask for verification need it, and so does managing passkeys. It is typed here and sent only to the key.",
    alwaysUvCheck: "Ask for the PIN or a fingerprint every time, even when a site does not",
    alwaysUvHint: "Safer if the key is stolen while unlocked by a touch alone; some older sites then fail.",
    passkeys: "Passkeys",
    cannotManage: "This key cannot list or delete the passkeys it stores.",
    pinForPasskeys: "Set a PIN to see and manage the passkeys on this key.",
    passkeysLead: "Passkeys let you sign in to sites with this key instead of a password.",
    showPasskeys: "Show passkeys",
    fingerprints: "Fingerprints",
    pinForPrints: "Set a PIN first: the key asks for it when a fingerprint is not recognised.",
    showPrints: "Show fingerprints",
    testTitle: "Registration test",
    testLead: "Registers a test credential with the key the way a website does, signs in with it, and checks every answer as a server would. A passkey made for the test is deleted afterwards. Each step needs a touch.",
    testing: "Testing…",
    runAgain: "Run again",
    runTest: "Run the test",
    resetTitle: "Reset",
    resetLead: "Erases every passkey, fingerprint and the PIN, as if the key were new.",
    resetButton: "Reset the key…",
    // KeyInfoList.svelte.
    none: "none",
    model: "Model",
    unknownModel: "Unknown model",
    firmware: "Firmware",
    versions: "Versions",
    extensions: "Extensions",
    algorithms: "Algorithms",
    pinProtocols: "PIN protocols",
    transports: "Transports",
    minPinLength: "Minimum PIN length",
    characters: (count: number) => plural("en", count, { one: "1 character", other: `${n(count)} characters` }),
    room: "Room for passkeys",
    more: (count: number) => `${n(count)} more`,
    options: "Options",
    yes: "yes",
    no: "no",
    setUp: "set up",
    notSetUp: "supported, not set up",
    optionLabels: {
      clientPin: "PIN",
      rk: "Stores passkeys",
      up: "Asks for a touch",
      uv: "Built-in verification (fingerprint)",
      bioEnroll: "Fingerprint enrolment",
      userVerificationMgmtPreview: "Fingerprint enrolment (preview)",
      credMgmt: "Passkey management",
      credentialMgmtPreview: "Passkey management (preview)",
      alwaysUv: "Always asks for PIN or fingerprint",
      makeCredUvNotRqd: "Registers without PIN for non-passkey logins",
      pinUvAuthToken: "Permission-scoped PIN tokens",
      noMcGaPermissionsWithClientPin: "PIN not usable for sign-in",
      largeBlobs: "Large blob storage",
      authnrCfg: "Configurable",
      setMinPINLength: "Minimum PIN length can be raised",
      ep: "Enterprise attestation",
      plat: "Built into this computer",
      uvAcfg: "Verification configurable",
      uvToken: "Verification tokens",
    },
    // PIN rules and state (keys-format.ts), the PIN dialogs.
    pinRules: (min: number, maxBytes: number) =>
      `At least ${n(min)} characters (this key's minimum) and at most ${n(maxBytes)} bytes; letters, digits and symbols are all allowed. After 3 wrong PINs in a row the key must be unplugged and plugged back in; after 8 in total it blocks its PIN, and only a reset (which erases its passkeys) makes it usable again.`,
    noPinSupport: "This key has no PIN support.",
    noPin: "No PIN set.",
    pinIsSet: "PIN set",
    pinIsSetLeft: (attempts: string) => `PIN set, ${attempts}`,
    attemptsLeft: (count: number) => plural("en", count, { one: "1 attempt left", other: `${n(count)} attempts left` }),
    powerCycle: " Unplug the key and plug it back in before the next attempt.",
    changeRequired: " The key asks for a new PIN before anything else.",
    pinTooShort: (min: number) => `The PIN needs at least ${n(min)} characters.`,
    pinTooLong: (maxBytes: number) => `The PIN is too long (at most ${n(maxBytes)} bytes).`,
    pinsDiffer: "The two PINs do not match.",
    beforeBlock: (attempts: string) => `${attempts} before the key blocks its PIN.`,
    pinTitle: "Security key PIN",
    pinOfKey: "PIN of the key",
    checking: "Checking…",
    touchTitle: "Touch your security key",
    touchText: (action: string) => `${action}: the key is waiting for a touch on its button or sensor. It may blink.`,
    changeTitle: "Change the key's PIN",
    setTitle: "Set a PIN for the key",
    currentPin: "Current PIN",
    newPin: "New PIN",
    newPinAgain: "New PIN again",
    saving: "Saving…",
    // Fingerprints.svelte.
    fingerprintN: (index: number) => `Fingerprint ${n(index)}`,
    noPrints: "No fingerprints are enrolled.",
    renameLabel: (name: string) => `Rename ${name}`,
    rename: "Rename",
    removeLabel: (name: string) => `Remove ${name}`,
    removePrintTitle: "Remove this fingerprint?",
    removePrintText: "The key will no longer recognise this finger. You can enrol it again later.",
    name: "Name",
    namePlaceholder: "Right index finger",
    enrollHint: "After you press Start, touch the sensor with the same finger again and again, lifting it in between, until no more samples are needed. Shift it slightly each time so the key learns its edges.",
    done: "Done.",
    samplesLeft: (message: string, count: number) =>
      plural("en", count, { one: `${message} 1 more sample.`, other: `${message} ${n(count)} more samples.` }),
    enrolling: "Enrolling…",
    start: "Start",
    // Passkeys.svelte.
    noPasskeys: "No passkeys are stored on this key.",
    passkeyCount: (passkeys: number, sites: number) =>
      plural("en", passkeys, { one: "1 passkey", other: `${n(passkeys)} passkeys` }) +
      " on " +
      plural("en", sites, { one: "1 site", other: `${n(sites)} sites` }) +
      ".",
    deleteLabel: (account: string, site: string) => `Delete the passkey for ${account} on ${site}`,
    delete: "Delete",
    deleteTitle: "Delete this passkey?",
    deleteConfirm: "Delete passkey",
    deleteBefore: "The passkey for",
    deleteMiddle: "on",
    deleteAfter: "will be erased from the key. You will no longer be able to sign in to that site with it; keep another way to sign in there first. This cannot be undone.",
    // ResetDialog.svelte.
    resetDialogTitle: "Reset the security key",
    unplug: "Unplug the key",
    unplugText: "Pull it out of the computer.",
    replug: "Plug it back in",
    replugText: "Countersign sends the reset the moment it appears.",
    touch: "Touch the key",
    touchKeyText: "Touch its button or sensor as soon as it blinks.",
    resetWarnBefore: "A reset erases",
    resetWarnStrong: "every passkey",
    resetWarnAfter: (keyName: string) =>
      `and fingerprint on ${keyName}, and its PIN. Sites where you sign in with this key will stop accepting it, so make sure you have another way in first. It cannot be undone.`,
    resetWindowBefore: "To protect you, keys accept a reset only within about",
    resetWindowStrong: "10 seconds of being plugged in",
    resetWindowAfter: ", and then need a touch. After you press Start, unplug the key, plug it back in, and touch it as soon as it blinks.",
    resetUnderstood: "I understand that everything on this key will be erased.",
    startReset: "Start reset",
    resetDone: "The key was reset: it has no PIN and no passkeys now.",
    // TestReport.svelte.
    pass: "Pass",
    fail: "Fail",
    skip: "Skip",
    someFailed: "Some checks failed.",
    allPassed: "Every check that applies passed.",
    counts: (passed: number, failed: number, skipped: number) =>
      `${n(passed)} passed · ${n(failed)} failed · ${n(skipped)} skipped`,
    copyReport: "Copy report",
    steps: {
      key: "The key",
      es256: "ES256 credential (kept by the site, not on the key)",
      es256_discoverable: "ES256 passkey (stored on the key, deleted afterwards)",
      eddsa_discoverable: "EdDSA passkey (stored on the key, deleted afterwards)",
    },
  },
  // i18n4 (issue #18): the security-key words Rust sends as codes: the key list's names, the
  // fingerprint samples, the registration test's lines; and the keyring's causes.
  securityKeys: {
    softwareName: "Countersign software key (OpenSK)",
    softwareDetail: "In-process test key · test mode",
    unnamed: "FIDO security key",
    usb: (ids: string) => `USB ${ids}`,
    detail: (maker: string, usb: string) => `${maker} · ${usb}`,
    coseAlgorithm: (id: number) => `COSE algorithm ${id}`,
    samples: {
      good: "Good sample.",
      too_high: "Too high: move your finger down a little.",
      too_low: "Too low: move your finger up a little.",
      too_left: "Too far left: move your finger right a little.",
      too_right: "Too far right: move your finger left a little.",
      too_fast: "Too fast: hold your finger still a moment longer.",
      too_slow: "Too slow: lift your finger sooner.",
      poor_quality: "Poor quality: clean the sensor and your finger, then try again.",
      too_skewed: "Too skewed: place your finger straight on the sensor.",
      too_short: "Too short: hold your finger on the sensor a little longer.",
      merge_failure: "That sample did not match the others: use the same finger.",
      exists: "This fingerprint is already enrolled.",
      no_finger: "No finger was detected.",
      lift_finger: "Lift your finger between samples.",
      unusable: "The sample was not usable: try again.",
    } as Record<string, string>,
    features,
    attestationTypes,
    /** The registration test's lines by the code Rust sends; `a` holds its values as text, and
     *  `fault` a key error already worded (keys-format.ts `checkText`). */
    checks: {
      format: (a: CheckArgs) => `format "${a.format}"`,
      unreadable: (a: CheckArgs) => `cannot be read: ${a.detail}`,
      no_credential: () => "AT flag clear: no credential in the authenticator data",
      credential_id: (a: CheckArgs) => `credential ID of ${num(a.bytes)} bytes`,
      ec_key: (a: CheckArgs) => `${a.algorithm} elliptic-curve key`,
      ed25519_key: () => "Ed25519 key",
      rsa_key: (a: CheckArgs) => `${num(a.bits)}-bit RSA key (${a.algorithm})`,
      algorithm_ok: (a: CheckArgs) => `${a.algorithm} is acceptable`,
      algorithm_not_requested: (a: CheckArgs) => `${a.algorithm} was not requested`,
      no_public_key: () => "no usable public key",
      format_registered: (a: CheckArgs) => `"${a.format}" is a registered format`,
      format_unknown: (a: CheckArgs) => `"${a.format}" is not a WebAuthn attestation format`,
      model: (a: CheckArgs) => `${a.model} (${a.aaguid})`,
      aaguid_zero: () => "AAGUID is all zeros (U2F or an anonymised key)",
      aaguid_unknown: (a: CheckArgs) => `${a.aaguid} is not in the bundled list`,
      bytes: (a: CheckArgs) => `${num(a.bytes)} bytes`,
      signature_valid: (a: CheckArgs) => `valid ${a.algorithm} signature`,
      signature_invalid: () => "the signature does not verify with the credential's public key",
      counter_unused: () => "the key does not use a signature counter (0)",
      counter_above: (a: CheckArgs) => `${num(a.counter)} is above the stored ${num(a.stored)}`,
      counter_not_above: (a: CheckArgs) =>
        `${num(a.counter)} is not above the stored ${num(a.stored)}: the key may have been cloned`,
      data_unreadable: () => "authenticator data unreadable",
      json_not_object: () => "clientDataJSON is not a JSON object",
      json_unreadable: () => "clientDataJSON unreadable",
      json: (a: CheckArgs) => `${num(a.bytes)} bytes of JSON`,
      value: (a: CheckArgs) => `"${a.found}"`,
      value_wrong: (a: CheckArgs) => `expected "${a.expected}", found "${a.found}"`,
      challenge_matches: () => "matches the challenge that was sent",
      challenge_wrong: (a: CheckArgs) => `"${a.found}" is not the challenge that was sent (${a.expected})`,
      cross_origin: () => "made in a cross-origin iframe",
      origin_invalid: (a: CheckArgs) => `the origin "${a.origin}" is not a valid address`,
      origin_no_host: (a: CheckArgs) => `the origin "${a.origin}" has no host`,
      rp_id_host: (a: CheckArgs) => `"${a.rp_id}" is the origin's host`,
      rp_id_address: (a: CheckArgs) =>
        `the origin's host is the address ${a.host}, which allows no other RP ID than itself, not "${a.rp_id}"`,
      rp_id_other_site: (a: CheckArgs) =>
        `"${a.rp_id}" is neither the origin's host "${a.host}" nor a domain it belongs to: the credential would be for another site`,
      rp_id_public_suffix: (a: CheckArgs) =>
        `"${a.rp_id}" is a public suffix (as listed by the Public Suffix List), which no site may claim`,
      rp_id_top_level: (a: CheckArgs) => `"${a.rp_id}" is a top-level domain, which no site may claim`,
      rp_id_domain: (a: CheckArgs) => `"${a.rp_id}" is a domain the host "${a.host}" belongs to`,
      rp_id_hash: (a: CheckArgs) => `SHA-256 of "${a.rp_id}"`,
      rp_id_hash_wrong: (a: CheckArgs) => `not the SHA-256 of "${a.rp_id}": the credential is for another site`,
      up_set: () => "UP set: the key was touched",
      up_clear: () => "UP clear: nobody touched the key",
      uv_set: () => "UV set: PIN or fingerprint verified",
      uv_required: () => "UV clear although user verification was required",
      uv_clear: () => "UV clear: the user was not verified (not required)",
      backup_inconsistent: () => "backed up (BS) but not backup eligible (BE)",
      backup_eligible: () => "backup eligible (a synced passkey)",
      device_bound: () => "device-bound",
      not_judged: () => "earlier checks failed, so the attestation was not judged",
      statement_invalid: (a: CheckArgs) => `the attestation statement is not valid: ${a.detail}`,
      certificate_invalid: (a: CheckArgs) => `the attestation certificate is not valid: ${a.detail}`,
      after_invalid_statement: () => "statement invalid",
      statement_valid: (a: CheckArgs) => `valid ${a.format} statement: ${attestationType(a.type)}`,
      no_certificate: (a: CheckArgs) => `${attestationType(a.type)} carries no certificate`,
      no_chain: (a: CheckArgs) => `${attestationType(a.type)}: nothing chains to a vendor root`,
      certificates: (a: CheckArgs) =>
        plural("en", Number(a.count), {
          one: "1 certificate; the format's certificate requirements hold",
          other: `${num(a.count)} certificates; the format's certificate requirements hold`,
        }),
      chains_to_bundled: (a: CheckArgs) => `chains to the bundled ${a.vendor} root`,
      chains_to_supplied: (a: CheckArgs) => `chains to supplied root #${num(a.number)}`,
      chain_invalid: (a: CheckArgs) => `the certificate chain is not valid: ${a.detail}`,
      no_bundled_root: (a: CheckArgs) =>
        `the certificate chains to none of the ${num(a.count)} bundled trusted roots, and a trusted root is required: an unknown vendor, or not genuine`,
      no_supplied_root: (a: CheckArgs) =>
        `the certificate chains to none of the ${num(a.count)} supplied trusted roots, and a trusted root is required: an unknown vendor, or not genuine`,
      unknown_root: (a: CheckArgs) =>
        `valid, chain to an unknown root: the statement and its certificates are valid, but they end at a root Countersign does not bundle (issuer "${a.issuer}"), so nothing vouches for the vendor (a trusted root was not required)`,
      versions: (a: CheckArgs) => `${a.versions}`,
      pin_not_given: () => "the key has a PIN but none was given; the key may refuse",
      not_requested: () => "not requested",
      no_discoverable: () => "the key cannot store discoverable credentials",
      needs_pin: () => "needs the PIN, so the test passkey can be deleted afterwards",
      cannot_delete: () => "the key cannot delete passkeys, so none is created",
      passkey_deleted: () => "the test passkey was deleted",
      passkey_not_deleted: (a: CheckArgs) => `could not delete the test passkey for ${a.rp_id}: ${a.fault}`,
      key_failed: (a: CheckArgs) => `${a.fault}`,
      attestation_format: (a: CheckArgs) => `"${a.format}" attestation`,
      no_credentials: () => "the key has no credential for this site",
      new_credential_signed: () => "the new credential signed",
      other_credential_signed: (a: CheckArgs) => `another credential signed (${a.credential})`,
      hmac_same: () => "the same salt gave the same 32-byte secret twice",
      hmac_different: () => "the same salt gave different secrets",
      hmac_missing: () => "the key returned no hmac-secret output",
      hmac_not_offered: () => "the key does not offer hmac-secret",
    } as Record<string, (a: CheckArgs) => string>,
  },
  // i18n4: why the system keyring cannot be used, by the cause Rust sends.
  keyringCause: keyringCauses,
  settings: {
    title: "Settings",
    language: "Language",
    languageSystem: "System",
    languageHint: "The tray menu and the command line stay in English.",
    appearance: "Appearance",
    theme: "Theme",
    themeSystem: "Same as the system",
    light: "Light",
    dark: "Dark",
    order: "Order",
    manual: "My own order",
    byName: "By name",
    recent: "Most recently used",
    showNext: "Show the next code in the last seconds",
    privacy: "Hide codes until I point at or select an account",
    copying: "Copying",
    clearAfter: "Clear the clipboard after (seconds, 0 = never)",
    hideAfterCopy: "Hide the window after copying a code",
    quick: "Quick search",
    shortcut: "Shortcut from any window",
    none: "none",
    shortcutHintBefore: "Find an account and press Enter: its code is typed into the window you were in. Where a desktop keeps shortcuts to itself (Wayland), bind",
    shortcutHintAfter: "in its keyboard settings.",
    typeThenEnter: "Press Enter after typing a code",
    clock: "Clock",
    synced: "The system keeps this computer's clock synchronised.",
    notSynced: "The system says this computer's clock is not synchronised: codes may be wrong.",
    syncUnknown: "The system does not say whether this computer's clock is synchronised.",
    clockCheck: "Check the clock against a time server",
    clockCheckHint: "This asks the server below for the time over the network (SNTP) every few minutes; it learns nothing else.",
    timeServer: "Time server",
    checking: "Checking…",
    ownClock: "Codes use this computer's clock.",
    ownClockAgain: "Codes use this computer's clock again.",
    reset: "Reset",
    window: "Window",
    minimiseToTray: "Keep running in the tray when I close the window",
    trayHint: "Bring it back from the tray icon, or by starting Countersign again.",
    noTray: "This desktop offers no tray icon (AppIndicator is not installed), so closing the window quits.",
    startHidden: "Start hidden in the tray",
    startAtLogin: "Start at login",
    loginTray: "At login Countersign starts in the tray, without a window.",
    loginWindow: "At login Countersign opens its window.",
    willStart: "Countersign will start when you log in.",
    willNotStart: "Countersign will not start when you log in.",
    trayMenu: "Tray menu",
    typeCode: "Type the code",
    copyCode: "Copy the code",
    trayMenuHint: "The tray menu lists your favourites and the accounts you used last: choose one for its code.",
    security: "Security",
    autoLock: "Lock after inactivity (minutes, 0 = never)",
    lockHint: "Lock at any time with Ctrl+L or the lock button.",
    lockOnSession: "Lock when the screen locks or another user takes the computer",
    lockOnSessionHint: "Also when the screensaver starts, or when another session is switched to.",
    lockOnSuspend: "Lock when the computer sleeps or hibernates",
    lockOnSuspendHint: "Time asleep counts towards the inactivity delay either way.",
    keyring: "Unlock with the system keyring",
    on: "On",
    off: "Off",
    turnOn: "Turn on",
    turnOff: "Turn off",
    keyringMissing: (reason: string) => `The system keyring is not available: ${reason}`,
    passwordAfterLock: "After locking, ask for the password",
    passwordAfterLockHint: "The keyring then unlocks only when Countersign starts, so a lock keeps out anyone at this computer.",
    passwordFirst: "Set a password first: it would be the only way back in after a lock.",
    changePassword: "Change password",
    setAPassword: "Set a password",
    newRecoveryKey: "New recovery key",
    location: "Vault location",
    locationHint: "Keep the vault in a folder that Syncthing, Nextcloud or Dropbox syncs, and open it there on each computer: Countersign merges the changes made on each.",
    moving: "Moving…",
    move: "Move…",
    openAnother: "Open another vault…",
    openAnotherHint: "Another vault opens in place of this one, which stays where it is.",
    movedTo: (folder: string) => `The vault is now in ${folder}.`,
    oldKeyGone: "Your old recovery key no longer works. Save this one:",
    savedIt: "I have saved it",
    keepRecovery: "Recovery key (optional)",
    keepRecoveryHint: "This change gives your vault a new encryption key. Type your recovery key to keep it working, or leave this empty to get a new one.",
    gateHint: "A password lets whoever knows it reveal and export your secrets, so setting the first one needs the recovery key you saved when you created the vault.",
    currentPassword: "Current password",
    newPassword: "New password",
    repeatNew: "Repeat the new password",
    setPassword: "Set password",
    keyringOnTitle: "Unlock with the keyring",
    keyringOffTitle: "Stop using the keyring",
    vaultPassword: "Vault password",
    keyringWillUnlock: "The keyring will unlock Countersign.",
    keyringNotUsed: "The keyring is no longer used.",
    newKeyHint: "A new key replaces the old one, which stops working: your vault gets a new encryption key.",
    makeKey: "Make a new key",
    keyMade: "New recovery key made.",
    passwordSet: "Password set.",
    passwordChanged: "Password changed.",
    oldBackups: (reencrypted: number, removed: number) => ` Old backups: ${n(reencrypted)} re-encrypted, ${n(removed)} deleted.`,
    oldBackupsTitle: "Old backups",
    oldBackupsHint: "Backups made before this change open with the old password and recovery key.",
    reencrypt: "Re-encrypt them",
    reencryptHint: "They keep your earlier accounts and open only with the new credentials.",
    deleteThem: "Delete them",
    deleteHint: "Nothing from before this change is left.",
  },
  /** Errors from Rust by their `kind`, for translators: English shows Rust's own sentence, and
   *  a kind a translation lacks shows it too. */
  /** The toast after another computer's changes were merged (issue #18 item 3). */
  syncNews: {
    /** What the sync did to the accounts; at least one count is above 0. */
    counts: (added: number, changed: number, removed: number) => {
      // English names the accounts once, with the first count: "2 accounts added, 1 changed".
      const parts: [number, string][] = [
        [added, "added"],
        [changed, "changed"],
        [removed, "removed"],
      ];
      const said = parts
        .filter(([count]) => count > 0)
        .map(([count, verb], i) =>
          i === 0 ? plural("en", count, { one: `1 account ${verb}`, other: `${n(count)} accounts ${verb}` }) : `${n(count)} ${verb}`,
        );
      return `${said.join(", ")} on another computer.`;
    },
    /** Why a file was not merged, by the reason Rust sends. */
    reasons: {
      other_vault: "it holds another vault",
      other_key: "it is under another password, or damaged",
      corrupt: "it is damaged or not a vault",
      newer_version: "it is from a newer version of Countersign",
      unreadable: "it could not be read",
      other: "it could not be merged",
    },
    /** A conflict copy beside the vault that was left as it is. */
    leftAlone: (file: string, why: string) => `Left ${file} alone: ${why}.`,
    /** The vault file itself, replaced by a copy that cannot be merged. */
    replaced: (file: string, why: string) =>
      `${file} was replaced by a copy that cannot be merged (${why}): changes here are not saved until you lock and unlock.`,
  },
  /** What the add dialog says about a code that added nothing (issue #18 item 3). */
  scanNotes: {
    webAddress: (address: string) => `This QR code holds a web address, not a two-factor account: ${address}`,
    text: "This QR code holds text, not a two-factor account.",
    linkText: "The link you opened holds no two-factor account.",
    duplicate: (existing: string) => `This account is already in your vault, as ${existing}. It was not added again.`,
    invalid: (problem: string) => `This QR code holds a setup link Countersign cannot use: ${problem}`,
    invalidLink: (problem: string) => `The link you opened is a setup link Countersign cannot use: ${problem}`,
    invalidExportAccount: (label: string, problem: string) =>
      `The export link you opened has an account Countersign cannot use: ${label}: ${problem}`,
    file: (file: string, problem: string) => `${file}: ${problem}`,
  },
  /** Why a code was copied instead of typed, by the reason Rust sends (issue #18 item 3). */
  copiedInstead: {
    /** The character of the code that could not be typed, by its class. */
    character: (character: string | null, position: number | null) =>
      `the ${character === "digit" ? "digit" : character === "letter" ? "letter" : "character"} at position ${n(position ?? 0)} of the code`,
    reasons: {
      no_target:
        "Countersign does not know which window the code goes to: click in the field that asks for it, come back, and try again.",
      no_display: "Cannot type here: no X display is set.",
      cannot_connect: "Cannot type here: the X display could not be reached.",
      xtest_missing: "Cannot type here: the X server has no XTEST extension.",
      no_key: (what: string) =>
        `Cannot type here: the keyboard layout in use has no key for ${what}. Switch to a layout with Latin letters and digits (for example English (US)), or paste the code.`,
      untypable: (what: string) => `Cannot type ${what}: only digits and Latin letters are typed here. Paste the code.`,
      modifiers_held: "Cannot type while Ctrl, Alt, Shift or Super is held down: release them and try again.",
      refused: "Typing was not allowed in the desktop's permission dialog (allow it there to type codes).",
      unavailable: "Cannot type in this kind of session.",
      accessibility_needed:
        "Cannot type here: allow Countersign under System Settings → Privacy & Security → Accessibility, then try again.",
      input_blocked:
        "Windows does not let programs type into a window that runs as administrator, or into a secure screen such as a UAC prompt. Paste the code.",
      connection_lost: "Typing stopped: the connection to the display broke.",
      other: "The code could not be typed.",
    },
    partlyTyped: "Part of the code may have been typed: clear the field first.",
    copied: "The code was copied instead.",
  },
  /** The import preview's words for what Rust sends as numbers and names (issue #18 item 3). */
  importNotes: {
    entry: (position: number) => `Entry ${n(position)}`,
    inVault: (name: string) => `Already in your vault as ${name}`,
    sameAs: (entry: number) => `Same secret as entry ${n(entry)} of this file`,
    cannotImport: "This entry cannot be imported.",
    /** The import formats named in words, by their id; the others are apps' names. */
    formats: {
      countersign: "Countersign backup",
      uris: "otpauth:// URI list",
      "google-db": "Google Authenticator (database)",
    },
    missingBatches: (size: number, missing: number[]) =>
      `A Google Authenticator export of ${n(size)} QR codes is missing ${plural("en", missing.length, { one: "code", other: "codes" })} ${missing.map(n).join(", ")}: scan ${plural("en", missing.length, { one: "it", other: "them" })} too, or ${plural("en", missing.length, { one: "its", other: "their" })} accounts are not imported.`,
  },
  /** What a QR export says about its codes (issue #18 item 3). */
  exportNotes: {
    batch: (batch: number, count: number) => `Batch ${n(batch)} of ${n(count)}`,
    period: (seconds: number) => `Google Authenticator only supports a 30 s period, not ${n(seconds)} s`,
    digits: (digits: number) => `Google Authenticator only supports 6 or 8 digits, not ${n(digits)}`,
    steam: "Google Authenticator cannot hold Steam accounts",
    other: "Google Authenticator cannot hold this account",
  },
  errors: {
    // i18n4 (issue #18): security keys and the keyring, by the `problem`, `limit`, `feature`,
    // `status`, `detail` and `cause` Rust sends (src-tauri/src/keys.rs `key_error_args`).
    pin_policy: (error: { message: string; args?: ErrorArgs }) => {
      const limit = error.args?.limit ?? 0;
      return ({
        too_short: `The key needs a PIN of at least ${n(limit)} characters.`,
        too_long: `A PIN is at most ${n(limit)} bytes.`,
        key_policy: "The key refused the new PIN: it is too short, too long or too simple for the key's rules.",
      })[error.args?.problem ?? ""] ?? error.message;
    },
    access_denied: (error: { message: string; args?: ErrorArgs }) =>
      ({
        udev: "Your account may not read this key's device (/dev/hidraw*). Systems with systemd 244 or newer allow the signed-in user; elsewhere install Countersign's udev rule 70-countersign-fido.rules into /etc/udev/rules.d/ (the .deb puts it in /usr/lib/udev/rules.d/), run \"sudo udevadm control --reload\", then unplug the key and plug it back in.",
        administrator: "Windows lets only administrators talk to security keys directly. Run Countersign as administrator to manage this key.",
        os: "The operating system refused access to the key.",
      })[error.args?.problem ?? ""] ?? error.message,
    reset_window:
      "The key refused: it accepts a reset only within about 10 seconds of being plugged in. Start again, and touch the key as soon as it blinks.",
    timeout: (error: { args?: ErrorArgs }) =>
      ({
        unplug: "The key was not unplugged within a minute. Start again when you are ready.",
        replug: "The key was not plugged back in within a minute. Start again when you are ready.",
      })[error.args?.problem ?? ""] ?? "The key was not touched in time. Try again and touch the key when it blinks.",
    key_error: (error: { message: string; args?: ErrorArgs }) => {
      const args = error.args ?? {};
      switch (args.problem) {
        case "credential_excluded": return "This key is already registered.";
        case "no_credentials": return "The key has no credential for this site.";
        case "storage_full": return "The key's storage is full.";
        case "unsupported": return `This key does not support ${features[args.feature ?? ""] ?? args.feature}.`;
        case "ctap": return `The key answered ${args.status}.`;
        case "device": return `The key could not be reached (${args.detail}).`;
        case "protocol": return `The key's answer could not be understood (${args.detail}).`;
        default: return error.message;
      }
    },
    busy: "The key is busy with another operation. Finish or cancel it first.",
    pin_needed: "Enter the key's PIN to continue.",
    invalid_input: (error: { message: string; args?: ErrorArgs }) =>
      ({
        "passkey.invalid": "That passkey is not valid.",
        "fingerprint.invalid": "That fingerprint is not valid.",
        "name.missing": "Give the fingerprint a name.",
        "name.too_long": `That name is too long for the key (at most ${n(error.args?.limit ?? 0)} bytes).`,
      } as Record<string, string>)[`${error.args?.field}.${error.args?.problem}`] ?? error.message,
    no_report: "Run the test first.",
    keyring_unavailable: (error: { message: string; args?: ErrorArgs }) => {
      const cause = keyringCauses[error.args?.cause ?? ""];
      return cause ? `The system keyring is unavailable: ${cause}.` : error.message;
    },

    wrong_password: "That password is not right.",
    wrong_recovery_key: "That recovery key is not right.",
    rate_limited: (error: { retryAfter?: number }) =>
      `Too many attempts; try again in ${n(error.retryAfter ?? 1)} s.`,
    changed_on_disk:
      "The vault file was changed by another program or device since it was opened. Lock and unlock to load the newer version.",
    duplicate: "This account is already in your vault.",
    locked: "The vault is locked.",
    empty_password: "The password is empty.",
    password_exists: "The vault already has a password.",
    last_credential: "The vault would be left without a password or keyring slot.",
    keyring_key_missing: "The system keyring holds no key that opens this vault.",
    no_vault: "There is no vault yet.",
    vault_exists: "A vault already exists.",
    read_only: "The vault was opened read-only.",
    not_hotp: "The account is not counter-based (HOTP).",
    pin_blocked: "The PIN is blocked; the key must be reset.",
    pin_auth_blocked: "Too many wrong PINs in a row; unplug the key and plug it back in.",
    pin_not_set: "This key has no PIN set.",
    pin_required: "This key requires its PIN for this operation.",
    uv_blocked: "Fingerprint verification is blocked; use the PIN.",
    cancelled: "Cancelled.",
    operation_denied: "The key denied the operation.",
    not_allowed: "The key does not allow this operation now.",
    no_key: "No security key found.",

    // With the details Rust sends in `args` (see src-tauri/src/error.rs `ErrorArgs`).
    in_use: (error: { args?: ErrorArgs }) =>
      `The vault is in use by another running instance (${error.args?.path ?? "?"}).`,
    io: (error: { args?: ErrorArgs }) =>
      `${error.args?.path ?? "A file"} could not be read or written${osReason(error.args?.osError)}.`,
    other_vault_there: (error: { args?: ErrorArgs }) => `${error.args?.path ?? "That folder"} already holds another vault.`,
    same_vault_there: (error: { args?: ErrorArgs }) =>
      `${error.args?.path ?? "That folder"} already holds this vault; open it from there instead.`,
    invalid_shortcut: (error: { args?: ErrorArgs }) =>
      `"${error.args?.name ?? "?"}" is not a shortcut: write it like Ctrl+Alt+K.`,
    shortcut_taken: (error: { args?: ErrorArgs }) =>
      `${error.args?.name ?? "That shortcut"} is taken by another program: choose another shortcut.`,
    shortcut_unavailable: "The desktop did not let Countersign set a shortcut. You can bind countersign-app --quick to a key in your desktop's settings instead.",
    not_a_vault_file: (error: { args?: ErrorArgs }) =>
      `A Countersign vault is a file named vault.countersign; ${error.args?.path ?? "that file"} is not one.`,
    switching: "Another vault is being opened.",
    newer_slots: (error: { args?: ErrorArgs }) =>
      `The vault has ${plural("en", error.args?.count ?? 1, { one: "an unlock method", other: `${n(error.args?.count ?? 1)} unlock methods` })} from a newer version of Countersign: change its credentials there.`,
    nothing_to_add: "This holds no account Countersign can use.",
    invalid_backup_codes: (error: { message: string; args?: ErrorArgs }) => {
      const line = `Line ${n(error.args?.number ?? 0)} is not a backup code`;
      return ({
        no_codes: "No backup code found: paste the codes one per line, as the site shows them.",
        too_long: "The text is too long to be a list of backup codes.",
        character: `${line}: it has a character other than letters, digits, '-' and spaces.`,
        separators: `${line}: its groups are not joined by a single '-' or space.`,
        length: `${line}: it has ${n(error.args?.count ?? 0)} letters and digits; a backup code has 6 to 64.`,
      } as Record<string, string>)[error.args?.problem ?? ""] ?? error.message;
    },
    internal: "Something went wrong inside Countersign; nothing was changed. Try again.",
    autostart: "Starting at login could not be changed.",
    password_after_lock: "After a lock, Countersign asks for your password (Settings, Security).",
    old_backups_required: "Choose whether to re-encrypt or delete the old backups.",
    recovery_key_required: "Setting a first password needs the recovery key.",
    vault_not_found: (error: { args?: ErrorArgs }) =>
      `No vault could be read at ${error.args?.path ?? "its folder"}${osReason(error.args?.osError)}: was its folder moved, or is it not mounted?`,
    no_such_slot: (error: { args?: ErrorArgs }) =>
      ({
        password: "The vault has no password.",
        keyring: "The vault is not unlocked by the system keyring.",
        recovery: "The vault has no recovery key.",
      })[error.args?.slot ?? ""] ?? "The vault has no such way to unlock.",
    pin_invalid: (error: { args?: ErrorArgs }) => {
      const left = error.args?.attemptsLeft;
      if (left === undefined) return "Wrong PIN.";
      return plural("en", left, {
        one: "Wrong PIN. 1 attempt left before the key blocks its PIN.",
        other: `Wrong PIN. ${n(left)} attempts left before the key blocks its PIN.`,
      });
    },
    invalid_uri: setupProblem,
    invalid_account: (error: { message: string; args?: ErrorArgs }) =>
      error.args?.number !== undefined && error.args.field === undefined
        ? `Entry ${n(error.args.number)} cannot be imported.`
        : setupProblem(error),
    invalid_issuer: setupProblem,
    invalid_secret: setupProblem,
    invalid_digits: setupProblem,
    invalid_period: setupProblem,
    invalid_settings: (error: { message: string; args?: ErrorArgs }) =>
      ({
        clipboardClearSeconds: "The clipboard timeout can be at most a day.",
        autoLockMinutes: "The auto-lock delay can be at most a day.",
        clockOffsetSeconds: "The clock correction can be at most a day.",
        ntpServer: "The time server must be a host name or address, with an optional :port.",
        clockCheck: "Name a time server to check the clock against.",
        passwordAfterLock:
          "Set a password first: after a lock, only the password or the recovery key would unlock the vault.",
      })[error.args?.setting ?? ""] ?? error.message,
    nothing_to_export: (error: { message: string; args?: ErrorArgs }) => {
      const count = error.args?.count;
      if (count === undefined) return error.message;
      if (count === 0) return "There are no accounts to export yet.";
      return plural("en", count, {
        one: "The account does not fit Google Authenticator's QR codes. Show one code per account instead.",
        other: `None of the ${n(count)} accounts fits Google Authenticator's QR codes. Show one code per account instead.`,
      });
    },
    qr_too_long: (error: { message: string; args?: ErrorArgs }) =>
      error.args?.name === undefined ? error.message : `${error.args.name}: too much data for one QR code.`,
    corrupt: (error: { args?: ErrorArgs }) =>
      error.args?.format === undefined
        ? "The vault file is damaged or was tampered with. Nothing was changed; your backups are in the backups folder next to it."
        : `The ${error.args.format} file is damaged or incomplete.`,
    no_backup_code_left: "No unused backup code is left for this account.",
    no_such_backup_code: (error: { args?: ErrorArgs }) =>
      `The account has no backup code number ${n(error.args?.number ?? 0)}.`,

    // Scanning, adding by hand and importing files (issue #18 item 3).
    unsupported_version: (error: { message: string; args?: ErrorArgs }) => {
      const { format, version, supported } = error.args ?? {};
      if (version === undefined || supported === undefined) return error.message;
      if (format === undefined)
        return `The vault file has format version ${version}; this version of Countersign reads ${supported}. Update Countersign to open it.`;
      return `${format} file version ${version} is not supported (this version of Countersign reads up to ${supported}).`;
    },
    unreadable_file: (error: { args?: ErrorArgs }) => `The file could not be read${osReason(error.args?.osError)}.`,
    invalid_algorithm: "Choose SHA1, SHA256 or SHA512.",
    invalid_kind: "Choose TOTP, HOTP or Steam.",
    invalid_selection: (error: { args?: ErrorArgs }) => `There is no number ${n(error.args?.number ?? 0)} to choose.`,
    nothing_selected: "Choose at least one account to import.",
    expired: "This is no longer open (it was closed, or the vault locked): start again.",
    password_required: "Enter the password first.",
    unrecognised: "This file is not an export of any app Countersign can import from.",
    image: "This file is an image: scan the QR code in it instead.",
    wrong_format: (error: { args?: ErrorArgs }) => `This is not a file in the ${error.args?.format ?? "chosen"} format.`,
    unsupported: (error: { args?: ErrorArgs }) =>
      `${error.args?.format ?? "This app"}: this kind of export cannot be imported.`,
    too_large: "The file is larger than any export can be.",
    kdf_too_expensive: "The file asks for a key derivation far costlier than any real export: it is damaged or hostile.",
    unsupported_image: "That file is not an image Countersign can read (PNG, JPEG, WebP, GIF or BMP).",
    image_too_large: "That image is too large to read.",
    corrupt_image: "That image is damaged or incomplete.",
    scan_failed: "The image could not be read.",
    no_display: "There is no screen to capture here. Use an image file or the clipboard instead.",
    screen_denied:
      "Screen capture was not allowed. Allow it in your system settings, or use another way to add the account.",
    portal_unavailable:
      "This desktop offers no screenshot service (xdg-desktop-portal). Use an image file, the camera or the clipboard instead.",
    capture_failed: "The screen could not be captured.",
    camera_not_found: "That camera is not available: it may be unplugged or used by another program.",
    camera_denied: "Camera access was not allowed. Allow it in your system settings and try again.",
    camera_failed: "The camera stopped working.",
    clipboard_unavailable: "The clipboard could not be read.",
    clipboard_empty: "The clipboard holds no image or text. Copy a screenshot of the QR code, or its setup link, and try again.",
    no_setup_link:
      "The clipboard holds text, but no setup link (otpauth://). Copy a screenshot of the QR code, or the link itself, and try again.",
    no_password: "Exports ask for the vault password, and this vault has none: set one in Settings first.",
    not_found: "That account is no longer there.",
  },
};

/** The shape every translation has: en.ts's keys, with strings and functions of the same
 *  arguments. */
export type Catalog = typeof en;
