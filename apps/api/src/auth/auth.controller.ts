import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AccountsService, type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { APP_CONFIG, type AppConfig, clientAddress } from '@ggzy/common';
import { LoginDto, RegisterDto } from './auth.dto.js';

@ApiTags('accounts')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('register')
  register(@Body() body: RegisterDto, @Req() request: Request) {
    return this.accounts.registerBidder(body, this.address(request));
  }

  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() request: Request) {
    return this.accounts.login(body.username, body.password, this.address(request));
  }

  /** Keyed like the gateway keys it: TRUST_PROXY hops, IPv6 by its /64. */
  private address(request: Request): string {
    return clientAddress(request, this.config.TRUST_PROXY);
  }

  @Get('me')
  @ApiBearerAuth()
  @Roles()
  me(@CurrentUser() user: AuthUser) {
    return this.accounts.me(user.id);
  }
}
