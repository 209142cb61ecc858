import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AccountsService, type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { LoginDto, RegisterDto } from './auth.dto.js';

@ApiTags('accounts')
@Controller('auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('register')
  register(@Body() body: RegisterDto, @Req() request: Request) {
    return this.accounts.registerBidder(body, request.ip ?? 'unknown');
  }

  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() request: Request) {
    return this.accounts.login(body.username, body.password, request.ip ?? 'unknown');
  }

  @Get('me')
  @ApiBearerAuth()
  @Roles()
  me(@CurrentUser() user: AuthUser) {
    return this.accounts.me(user.id);
  }
}
