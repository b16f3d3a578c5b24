// Brand icons for common issuers, from Simple Icons (CC0). Only the icons imported here are
// bundled; the list favours services people protect with two-factor codes.
import {
  si1password, siAirbnb, siApple, siAtlassian, siAuth0, siBackblaze, siBattledotnet, siBinance,
  siBitbucket, siBitwarden, siCloudflare, siCodeberg, siCoinbase, siDigitalocean, siDiscord,
  siDocker, siDropbox, siDuolingo, siEa, siEbay, siEpicgames, siEvernote, siExpedia, siFacebook,
  siFigma, siFirefox, siGitea, siGithub, siGitlab, siGmail, siGodaddy, siGoogle, siGooglecloud,
  siHetzner, siHubspot, siInstagram, siJira, siKeepassxc, siKickstarter, siKucoin, siLastpass,
  siMailchimp, siMastodon, siMozilla, siN26, siNamecheap, siNetflix, siNetlify, siNextcloud,
  siNotion, siNpm, siOkta, siOkx, siOvh, siPatreon, siPaypal, siPlaystation, siPlex, siProton,
  siProtondrive, siPypi, siReddit, siRevolut, siRobinhood, siShopify, siSignal, siSnapchat,
  siSourcehut, siSpotify, siSteam, siStripe, siTailscale, siTelegram, siTesla, siTiktok,
  siTumblr, siTwitch, siUber, siUbisoft, siUbuntu, siVercel, siWhatsapp, siWise, siWordpress,
  siX, siYoutube, siZoom,
} from "simple-icons";

/** A brand icon: a 24×24 SVG path and the brand's colour. */
export interface IssuerIcon {
  slug: string;
  title: string;
  path: string;
  /** The brand colour, as #rrggbb, or null when it would not stand out (near black or white). */
  color: string | null;
}

interface SimpleIcon {
  title: string;
  slug: string;
  path: string;
  hex: string;
}

const ICONS: SimpleIcon[] = [
  si1password, siAirbnb, siApple, siAtlassian, siAuth0, siBackblaze, siBattledotnet, siBinance,
  siBitbucket, siBitwarden, siCloudflare, siCodeberg, siCoinbase, siDigitalocean, siDiscord,
  siDocker, siDropbox, siDuolingo, siEa, siEbay, siEpicgames, siEvernote, siExpedia, siFacebook,
  siFigma, siFirefox, siGitea, siGithub, siGitlab, siGmail, siGodaddy, siGoogle, siGooglecloud,
  siHetzner, siHubspot, siInstagram, siJira, siKeepassxc, siKickstarter, siKucoin, siLastpass,
  siMailchimp, siMastodon, siMozilla, siN26, siNamecheap, siNetflix, siNetlify, siNextcloud,
  siNotion, siNpm, siOkta, siOkx, siOvh, siPatreon, siPaypal, siPlaystation, siPlex, siProton,
  siProtondrive, siPypi, siReddit, siRevolut, siRobinhood, siShopify, siSignal, siSnapchat,
  siSourcehut, siSpotify, siSteam, siStripe, siTailscale, siTelegram, siTesla, siTiktok,
  siTumblr, siTwitch, siUber, siUbisoft, siUbuntu, siVercel, siWhatsapp, siWise, siWordpress,
  siX, siYoutube, siZoom,
];

/** Names issuers use that differ from the brand's title. */
const ALIASES: Record<string, string> = {
  twitter: "x",
  protonmail: "proton",
  protonme: "proton",
  electronicarts: "ea",
  origin: "ea",
  battlenet: "battledotnet",
  blizzard: "battledotnet",
  playstationnetwork: "playstation",
  psn: "playstation",
  sony: "playstation",
  pythonpackageindex: "pypi",
  epic: "epicgames",
  meta: "facebook",
  transferwise: "wise",
};

/** Lower case letters and digits only: "GitHub, Inc." and "github" compare equal. */
function key(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

const BY_KEY = new Map<string, IssuerIcon>();
for (const icon of ICONS) {
  const luminance = relativeLuminance(icon.hex);
  const entry: IssuerIcon = {
    slug: icon.slug,
    title: icon.title,
    path: icon.path,
    // Near-black and near-white brands would vanish in one of the themes: they take the text colour.
    color: luminance < 0.03 || luminance > 0.6 ? null : `#${icon.hex}`,
  };
  BY_KEY.set(key(icon.title), entry);
  BY_KEY.set(icon.slug, entry);
}
for (const [alias, slug] of Object.entries(ALIASES)) {
  const icon = BY_KEY.get(slug);
  if (icon) BY_KEY.set(alias, icon);
}

/** The `icon` value that asks for the lettered badge even when the issuer has a mark. */
export const LETTERS = "letters";

/** Every bundled icon, by title, for choosing one by hand. */
export const ALL_ICONS: readonly IssuerIcon[] = [
  ...new Map([...BY_KEY.values()].map((icon) => [icon.slug, icon])).values(),
].sort((a, b) => a.title.localeCompare(b.title));

/** The icon an account shows: the one chosen by hand (`icon`, a slug or [`LETTERS`]), or else
 *  the one matching its issuer. */
export function accountIcon(icon: string | null, issuer: string): IssuerIcon | null {
  if (icon === LETTERS) return null;
  const chosen = icon ? ALL_ICONS.find((candidate) => candidate.slug === icon) : undefined;
  return chosen ?? issuerIcon(issuer);
}

/** Endings that name the company rather than the brand ("github.com", "Dropbox Inc"). */
const SUFFIXES = ["com", "org", "net", "io", "inc", "llc", "ltd", "gmbh"];

/** The bundled icon for an issuer ("GitHub", "github.com", "Google Cloud"), or null. */
export function issuerIcon(issuer: string): IssuerIcon | null {
  const whole = key(issuer);
  if (!whole) return null;
  const candidates = [whole];
  for (const suffix of SUFFIXES) {
    if (whole.endsWith(suffix) && whole.length > suffix.length) {
      candidates.push(whole.slice(0, -suffix.length));
    }
  }
  // "Google Workspace", "Steam Guard": the brand is the first word.
  const first = key(issuer.trim().split(/[\s:(/]+/)[0] ?? "");
  if (first) candidates.push(first);
  for (const candidate of candidates) {
    const icon = BY_KEY.get(candidate);
    if (icon) return icon;
  }
  return null;
}
