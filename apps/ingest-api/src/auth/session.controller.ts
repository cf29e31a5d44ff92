import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrors } from '../common/api-docs';
import { apiError } from '../common/api-error';
import { PublicRoute } from './public-route.decorator';
import { clearSessionCookie, sessionSetCookie } from './session-cookie';
import { LoginDto, SessionDto } from './session.dto';
import { CROSS_ORIGIN_MESSAGE, OPEN_SESSION, SessionService, originMatchesHost } from './session.service';

/**
 * The browser's way in: the key is posted once and answered with an HttpOnly cookie, so the page never keeps it
 * (not in a URL, not in storage). The routes authenticate by themselves (PublicRoute).
 */
@ApiTags('session')
@Controller({ path: 'session', version: '1' })
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @PublicRoute()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Log in with an API key: sets the casegraph_session cookie',
    description:
      'Answers the session and sets `casegraph_session` (HttpOnly, SameSite=Strict, Path=/, Secure on https; no ' +
      'Max-Age: it ends with the browser, and after SESSION_TTL_MINUTES at the latest). Requests made with the cookie ' +
      'act as the key; their POST/PATCH/PUT/DELETE need `X-CSRF-Token: <csrfToken>`. Ten failed logins from one ' +
      'address in a minute: 429 for the rest of that minute. In open mode (no CASEGRAPH_API_KEYS) no cookie is set.',
  })
  @ApiResponse({ status: 200, type: SessionDto })
  @ApiErrors(
    [400, 'No key in the body'],
    [401, 'Invalid API key'],
    [403, 'Cross-origin request (Origin is not this host)'],
    [429, 'Too many failed logins from this address'],
  )
  login(@Body() dto: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): SessionDto {
    // A login from another site (a forged form) would put the victim in the attacker's session.
    if (!originMatchesHost(req)) throw apiError(HttpStatus.FORBIDDEN, CROSS_ORIGIN_MESSAGE);
    if (this.sessions.open) return OPEN_SESSION;
    const { cookie, body } = this.sessions.login(dto.key, req.ip ?? 'unknown');
    res.setHeader('Set-Cookie', sessionSetCookie(cookie, req.secure));
    res.setHeader('Cache-Control', 'no-store');
    return body;
  }

  @Get()
  @PublicRoute()
  @ApiOperation({ summary: "The cookie's session (a reloaded page gets its csrfToken again); 401 without a valid one" })
  @ApiResponse({ status: 200, type: SessionDto })
  @ApiErrors([401, 'No session cookie, or it expired, was tampered with, or its key was removed'])
  current(@Req() req: Request, @Res({ passthrough: true }) res: Response): SessionDto {
    if (this.sessions.open) return OPEN_SESSION;
    const cookie = this.sessions.fromRequest(req);
    if (cookie.state !== 'valid') throw apiError(HttpStatus.UNAUTHORIZED, 'Not logged in');
    res.setHeader('Cache-Control', 'no-store');
    return this.sessions.bodyOf(cookie.session);
  }

  @Delete()
  @PublicRoute()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Log out: clears the cookie (the session is stateless: a copy of the cookie stays valid until it expires)' })
  @ApiNoContentResponse({ description: 'Cookie cleared' })
  @ApiErrors([403, 'Cross-origin request (Origin is not this host)'])
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    if (!originMatchesHost(req)) throw apiError(HttpStatus.FORBIDDEN, CROSS_ORIGIN_MESSAGE);
    res.setHeader('Set-Cookie', clearSessionCookie(req.secure));
  }
}
