"""Calling a tool: the hot path, in the order ARCHITECTURE.md gives it.

1. the endpoint and the tool's declared scope against the principal (refusal: ``Denied``,
   answered by the HTTP layer as 403 ``insufficient_scope``);
2. the arguments against the tool's JSON Schema (refusal: ``Denied``, a tool error naming
   the field);
3. ``ToolCall.Requested`` is committed (write-ahead) before the site is touched, with the
   arguments redacted and minimised;
4. the site call; known secret fields in the result are masked;
5. ``Completed`` or ``Failed`` is committed before the result is returned.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from application.errors import ApplicationError
from application.event_writer import GroupCommitWriter
from application.redaction import mask_result_secrets, minimise, redact_text
from application.site_index import SiteDirectory
from application.sites import SiteConnection, SiteError, SiteGateway
from application.tools.catalogue import Catalogue
from application.tools.compiler import CompiledTool
from application.tools.spec import ToolContext
from domain.access import (
    Endpoint,
    ProjectRefusedError,
    ScopeRefusedError,
    check_tool_call,
)
from domain.errors import DomainError
from domain.principal import Principal
from domain.tool_call import DenialReason, ToolCall

log = logging.getLogger(__name__)

SITE = "site"


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """What the MCP layer returns: structured content, or an error for the model to read."""

    content: Any
    is_error: bool = False

    @classmethod
    def error(cls, message: str) -> ToolOutcome:
        return cls({"error": message}, is_error=True)


class RefusalError(Exception):
    """A call refused before anything was recorded as requested; ``Denied`` is on record."""

    def __init__(self, reason: DenialReason, message: str, needed_scope: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.needed_scope = needed_scope

    @property
    def is_authorization(self) -> bool:
        return self.reason in (DenialReason.SCOPE, DenialReason.PROJECT)


@dataclass(frozen=True, slots=True)
class Admitted:
    tool: CompiledTool
    project: str | None
    arguments: dict[str, Any]


class ToolService:
    def __init__(
        self,
        catalogue: Catalogue,
        sites: SiteDirectory,
        gateway: SiteGateway,
        writer: GroupCommitWriter,
        pseudonymise: Callable[[str], str],
    ) -> None:
        self.catalogue = catalogue
        self.sites = sites
        self.gateway = gateway
        self.writer = writer
        self.pseudonymise = pseudonymise

    # -- step 1: authorisation (also used by the HTTP layer before the MCP machinery) --

    def authorize(
        self, principal: Principal, endpoint: Endpoint, name: str, arguments: Mapping[str, Any]
    ) -> Admitted:
        """Raise :class:`RefusalError` (not yet recorded) when the call may not happen at all."""
        tool = self.catalogue.get(endpoint, name)
        if tool is None:
            raise RefusalError(
                DenialReason.UNKNOWN_TOOL, f"unknown tool {name[:100]!r} on {endpoint.path}"
            )
        project = self._project_of(endpoint, tool, arguments)
        try:
            check_tool_call(principal, tool.spec.scope, project)
        except ScopeRefusedError as refused:
            raise RefusalError(DenialReason.SCOPE, str(refused), refused.needed.value) from None
        except ProjectRefusedError as refused:
            raise RefusalError(DenialReason.PROJECT, str(refused)) from None
        own = {
            k: v
            for k, v in arguments.items()
            if not (k == SITE and self._takes_site(endpoint, tool))
        }
        return Admitted(tool, project, own)

    async def deny(
        self,
        principal: Principal,
        client: str,
        endpoint: Endpoint,
        name: str,
        refusal: RefusalError,
        project: str | None = None,
        count: int = 1,
    ) -> None:
        # Everything here may be client text: bounded, and through the one redactor.
        known = project if project is not None and self.sites.exists(project) else None
        await self.writer.append(
            ToolCall.deny(
                actor=principal.actor,
                client=redact_text(client[:80]),
                endpoint=endpoint.path,
                project=known,
                tool=redact_text(name[:100]),
                reason=refusal.reason,
                detail=redact_text(refusal.message),
                count=count,
            )
        )

    # -- steps 2-5 --

    async def call(
        self,
        principal: Principal,
        endpoint: Endpoint,
        name: str,
        arguments: Mapping[str, Any],
        client: str,
    ) -> ToolOutcome:
        try:
            admitted = self.authorize(principal, endpoint, name, arguments)
            site = self._site(admitted)
            problem = admitted.tool.check(admitted.arguments)
            if problem is not None:
                raise RefusalError(DenialReason.VALIDATION, problem.describe())
        except RefusalError as refusal:
            await self.deny(
                principal, client, endpoint, name, refusal, self._guess_project(endpoint, arguments)
            )
            return ToolOutcome.error(refusal.message)

        spec = admitted.tool.spec
        call = ToolCall.request(
            actor=principal.actor,
            client=client,
            endpoint=endpoint.path,
            project=admitted.project or "",
            tool=spec.name,
            arguments=minimise(admitted.arguments, spec.personal, self.pseudonymise),
        )
        await self.writer.append(call)
        started = time.perf_counter()
        try:
            context = ToolContext(site=site, gateway=self.gateway, principal=principal)
            result = await admitted.tool.run(context, admitted.arguments)
        except SiteError as error:
            call.fail(_ms(started), error.kind.value, error.status, error.code)
            await self.writer.append(call)
            return ToolOutcome.error(redact_text(error.describe()))
        except (DomainError, ApplicationError) as refused:
            # The hub's own tools refuse like the admin API does: the reason is the answer.
            call.fail(_ms(started), "refused", None, type(refused).__name__)
            await self.writer.append(call)
            return ToolOutcome.error(redact_text(str(refused)))
        except Exception as error:
            log.error("tool %s failed unexpectedly: %s", spec.name, type(error).__name__)
            call.fail(_ms(started), "internal", None, None)
            await self.writer.append(call)
            return ToolOutcome.error("the hub could not complete this call")
        call.complete(_ms(started))
        await self.writer.append(call)
        return ToolOutcome(mask_result_secrets(result))

    # -- helpers --

    @staticmethod
    def _takes_site(endpoint: Endpoint, tool: CompiledTool) -> bool:
        """Whether the endpoint added the ``site`` argument to this tool's schema."""
        return endpoint.takes_site_argument and tool.spec.plugin != "system"

    def _project_of(
        self, endpoint: Endpoint, tool: CompiledTool, arguments: Mapping[str, Any]
    ) -> str | None:
        if endpoint.alias is not None:
            return endpoint.alias
        if self._takes_site(endpoint, tool) or SITE in tool.spec.input_schema.get("properties", {}):
            site = arguments.get(SITE)
            return site if isinstance(site, str) else None
        return None

    @staticmethod
    def _guess_project(endpoint: Endpoint, arguments: Mapping[str, Any]) -> str | None:
        if endpoint.alias is not None:
            return endpoint.alias
        site = arguments.get(SITE)
        return site[:40] if isinstance(site, str) else None

    def _site(self, admitted: Admitted) -> SiteConnection | None:
        if admitted.tool.spec.plugin == "system":
            return None
        if admitted.project is None:
            raise RefusalError(DenialReason.VALIDATION, "invalid argument 'site': is required")
        site = self.sites.connection(admitted.project)
        if site is None:
            raise RefusalError(DenialReason.UNKNOWN_SITE, f"no project {admitted.project!r}")
        if admitted.tool.spec.needs_woocommerce and not site.has_woocommerce:
            raise RefusalError(
                DenialReason.NOT_CONFIGURED,
                f"project {admitted.project!r} has no WooCommerce connection; "
                "an admin can add one with `mcphub projects set-credentials --woocommerce`",
            )
        return site


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
