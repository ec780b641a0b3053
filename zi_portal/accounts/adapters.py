"""allauth adapter: accounts are created by the Ketua Tim, never by sign-up."""

from allauth.account.adapter import DefaultAccountAdapter


class NoSignupAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False
