from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from ..catalog.pathways import next_steps
from ..models import AwardState
from ..sharing.context import privacy_panel_context, share_panel_context
from ..sharing.forms import ShareEmailForm
from .claim_session import pop_claim, remember_claim
from .forms import ClaimForm
from .selectors import own_award_or_404, wallet_awards
from .services import (
    CLAIM_PROBLEM_MESSAGES,
    ClaimProblem,
    award_accept,
    award_claim,
    award_decline,
    award_resend,
    award_restore,
    claim_link_opened,
    claim_token_lookup,
)

PROBLEM_STATUS = {
    ClaimProblem.UNKNOWN: 404,
    ClaimProblem.USED: 410,
    ClaimProblem.EXPIRED: 410,
    ClaimProblem.REVOKED: 410,
}


def _claim_problem_page(request, token, problem):
    context = {"problem": problem, "message": CLAIM_PROBLEM_MESSAGES[problem], "token": token}
    return render(request, "badges/claim_problem.html", context, status=PROBLEM_STATUS[problem])


def _claim_rate(group, request):
    return settings.CLAIM_RATE_LIMIT


@ratelimit(key="ip", rate=_claim_rate, method=ratelimit.ALL, block=True)
def claim(request, token):
    """The page behind an emailed claim link.

    GET only shows the badge: mail scanners follow links, so nothing may change here.
    """
    claim_token, problem = claim_token_lookup(token)
    if problem:
        return _claim_problem_page(request, claim_token, problem)
    award = claim_token.award
    # Only a counter for the dashboard, not a change to the badge; a mail scanner's visit counts too.
    claim_link_opened(award=award)
    form = ClaimForm(request.POST or None, email=award.recipient_email)
    if request.method == "POST" and form.is_valid():
        return _claim_continue(request, claim_token, request.POST.get("action"), form.cleaned_data["add_address"])
    return render(request, "badges/claim.html", {"award": award, "token": token, "form": form})


def _claim_continue(request, claim_token, action, add_address):
    award = claim_token.award
    if action == "collect" and request.user.is_authenticated:
        return _claim_complete(request, claim_token.pk, add_address)
    remember_claim(request, token_id=claim_token.pk, add_address=add_address)
    query = {"next": reverse("claim_finish")}
    if action == "signup":
        adapter = get_adapter(request)
        # The link proves the mailbox: sign-up with this address needs no second verification.
        adapter.stash_verified_email(request, award.recipient_email)
        adapter.stash_signup_name(request, award.recipient_name)
        return redirect(f"{reverse('account_signup')}?{urlencode({'email': award.recipient_email, **query})}")
    return redirect(f"{reverse('account_login')}?{urlencode(query)}")


def _claim_complete(request, token_id, add_address):
    """Collect the badge and open its page, where the earner accepts it."""
    try:
        award = award_claim(token_id=token_id, user=request.user, add_address=add_address)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("wallet")
    messages.success(request, f"“{award.template.name}” is in your wallet. Accept it to show it to the world.")
    return redirect(award)


@login_required
def claim_finish(request):
    """Where the sign-up or sign-in started from a claim page lands; the claim is finished here, once.

    A GET that changes something, but only what this browser asked for on the claim page minutes ago.
    """
    # Signing in left its own banner ("Successfully signed in as …"); what happened to the claim says more.
    _drop_waiting_messages(request)
    claim = pop_claim(request)
    if claim is None:
        messages.info(
            request, "No claim is waiting in this browser (they last a few minutes). Open the link in your email again."
        )
        return redirect("wallet")
    return _claim_complete(request, claim["token_id"], claim["add_address"])


def _drop_waiting_messages(request):
    # Iterating marks the messages read: only the ones added after this are kept for the next page.
    for _message in messages.get_messages(request):
        pass


@require_POST
@ratelimit(key="ip", rate="5/h", block=True)
def claim_renew(request, token):
    """Send a fresh link for an expired one, always to the address on the award, never elsewhere."""
    claim_token, problem = claim_token_lookup(token)
    if problem != ClaimProblem.EXPIRED:
        return _claim_problem_page(request, claim_token, problem or ClaimProblem.USED)
    award_resend(award=claim_token.award)
    return render(request, "badges/claim_renewed.html", {"award": claim_token.award})


@login_required
def wallet(request):
    awards = wallet_awards(request.user)
    groups = {state: [a for a in awards if a.state == state] for state in AwardState.values}
    return render(request, "badges/wallet.html", {"groups": groups, "has_awards": bool(awards)})


@login_required
def wallet_award(request, public_id):
    award = own_award_or_404(request.user, public_id)
    context = {
        "award": award,
        "share_form": ShareEmailForm(),
        "share_invite": request.session.pop(SHARE_INVITE_SESSION_KEY, None) == str(award.public_id),
        **share_panel_context(award, profile_public=request.user.profile_public),
        **privacy_panel_context(award, profile_public=request.user.profile_public),
        "next_steps": next_steps(award.template, request.user) if award.is_held else None,
    }
    return render(request, "badges/wallet_award.html", context)


# Set when a badge is accepted, read once by its page: the invitation to share takes the place of a banner.
SHARE_INVITE_SESSION_KEY = "badgeportal_share_invite"


def _award_action(service, on_success):
    @login_required
    @require_POST
    def view(request, public_id):
        award = own_award_or_404(request.user, public_id)
        try:
            service(award=award)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            on_success(request, award)
        return redirect(award)

    return view


def _say(message):
    return lambda request, award: messages.success(request, message.format(name=award.template.name))


def _invite_to_share(request, award):
    request.session[SHARE_INVITE_SESSION_KEY] = str(award.public_id)


award_accept_view = _award_action(award_accept, _invite_to_share)
award_decline_view = _award_action(award_decline, _say("You declined “{name}”. You can restore it at any time."))
award_restore_view = _award_action(award_restore, _say("“{name}” is back, waiting for you: accept it or decline it."))
